SELECT
  s.srcaddr,
  s.dstaddr,
  s.dstport,
  s.protocol,
  count(*) AS records,
  sum(s.packets) AS packets,
  sum(s.bytes) AS bytes,
  count(DISTINCT s.interface_id) AS interfaces,
  from_unixtime(min(s.start)) AS first_seen,
  from_unixtime(max(s."end")) AS last_seen
FROM flow_logs s
LEFT JOIN (
  SELECT DISTINCT srcaddr, dstaddr, coalesce(srcport, -1) AS srcport, protocol
  FROM flow_logs
  WHERE log_status = 'OK'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
) reply
  ON reply.srcaddr = s.dstaddr AND reply.dstaddr = s.srcaddr
 AND reply.srcport = coalesce(s.dstport, -1) AND reply.protocol = s.protocol
WHERE s.action = 'ACCEPT'
  AND s.log_status = 'OK'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
  AND reply.srcaddr IS NULL
GROUP BY s.srcaddr, s.dstaddr, s.dstport, s.protocol
HAVING count(*) >= 1
ORDER BY packets DESC, s.srcaddr, s.dstaddr, s.dstport
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
