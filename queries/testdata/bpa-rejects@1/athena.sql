SELECT
  interface_id,
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  count(*) AS rejects,
  sum(packets) AS packets,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE action = 'REJECT'
  AND reject_reason = 'BPA'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY interface_id, srcaddr, dstaddr, dstport, protocol
ORDER BY rejects DESC, interface_id, srcaddr, dstaddr, dstport, protocol
LIMIT 101
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
