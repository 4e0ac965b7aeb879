SELECT
  from_unixtime(start) AS start_time,
  from_unixtime("end") AS end_time,
  CASE WHEN dstport = 22 THEN 'ssh' WHEN dstport = 3389 THEN 'rdp' WHEN srcport = 22 THEN 'ssh' ELSE 'rdp' END AS service,
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
WHERE (dstport IN (22, 3389) OR srcport IN (22, 3389))
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
LIMIT 1001
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
