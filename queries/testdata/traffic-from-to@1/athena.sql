SELECT
  from_unixtime(start) AS start_time,
  from_unixtime("end") AS end_time,
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
  AND contains(?, TRY_CAST(srcaddr AS IPADDRESS))
  AND contains(?, TRY_CAST(dstaddr AS IPADDRESS))
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
LIMIT 1001
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, '10.0.1.0/24', '10.0.1.0/24'
