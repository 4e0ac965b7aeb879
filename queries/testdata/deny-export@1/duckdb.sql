SELECT
  make_timestamp((start) * 1000000) AS start_time,
  make_timestamp(("end") * 1000000) AS end_time,
  account_id,
  vpc_id,
  subnet_id,
  az_id,
  instance_id,
  interface_id,
  flow_direction,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  pkt_srcaddr,
  pkt_dstaddr,
  protocol,
  tcp_flags,
  packets,
  bytes,
  traffic_path,
  action,
  reject_reason,
  log_status
FROM flow_logs
WHERE action = 'REJECT'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
ORDER BY start, "end", account_id, interface_id, srcaddr, srcport, dstaddr, dstport, protocol, packets, bytes,
  vpc_id, subnet_id, az_id, instance_id, flow_direction, pkt_srcaddr, pkt_dstaddr, tcp_flags, traffic_path, reject_reason, log_status
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 100001
