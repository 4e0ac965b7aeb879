SELECT
  from_unixtime(start) AS start_time,
  from_unixtime("end") AS end_time,
  CASE WHEN a_to_b AND b_to_a THEN 'a<->b' WHEN a_to_b THEN 'a->b' ELSE 'b->a' END AS direction,
  interface_id,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  protocol,
  packets,
  bytes,
  action
FROM (
  SELECT
    start, "end", interface_id, srcaddr, srcport, dstaddr, dstport, protocol, packets, bytes, action,
    contains('10.0.1.0/24', TRY_CAST(srcaddr AS IPADDRESS)) AND contains('10.0.1.0/24', TRY_CAST(dstaddr AS IPADDRESS)) AS a_to_b,
    contains('10.0.1.0/24', TRY_CAST(srcaddr AS IPADDRESS)) AND contains('10.0.1.0/24', TRY_CAST(dstaddr AS IPADDRESS)) AS b_to_a
  FROM flow_logs
  WHERE log_status = 'OK'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
) r
WHERE a_to_b OR b_to_a
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport
LIMIT 1001
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
