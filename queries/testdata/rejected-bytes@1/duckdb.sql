SELECT
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS rejects,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM flow_logs
WHERE action = 'REJECT'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY srcaddr, dstaddr, dstport, protocol
ORDER BY bytes DESC, srcaddr, dstaddr, dstport, protocol
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 101
