SELECT
  interface_id,
  flow_direction AS direction,
  count(*) AS rejects,
  sum(packets) AS packets,
  count(DISTINCT srcaddr) AS sources,
  count(DISTINCT dstaddr) AS destinations,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE action = 'REJECT'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY interface_id, flow_direction
ORDER BY rejects DESC, interface_id, direction
LIMIT 21
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
