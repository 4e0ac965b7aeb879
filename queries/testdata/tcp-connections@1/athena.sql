SELECT
  dstaddr,
  dstport,
  count(*) AS records,
  count(*) FILTER (WHERE bitwise_and(tcp_flags, 2) <> 0 AND bitwise_and(tcp_flags, 16) = 0) AS connections,
  count(DISTINCT srcaddr) AS sources,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE protocol = 6
  AND action = ?
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY dstaddr, dstport
ORDER BY records DESC, dstaddr, dstport
LIMIT 101
-- parameters: 'ACCEPT', '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
