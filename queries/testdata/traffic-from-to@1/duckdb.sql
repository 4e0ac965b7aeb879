SELECT
  make_timestamp((start) * 1000000) AS start_time,
  make_timestamp(("end") * 1000000) AS end_time,
  interface_id,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  protocol,
  packets,
  bytes,
  action
FROM flow_logs
WHERE log_status = 'OK'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
  AND flowq_in_network(?, srcaddr)
  AND flowq_in_network(?, dstaddr)
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, '10.0.1.0/24', '10.0.1.0/24', 1001
