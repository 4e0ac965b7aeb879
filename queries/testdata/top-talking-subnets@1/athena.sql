SELECT
  subnet_id,
  count(DISTINCT interface_id) AS interfaces,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes
FROM flow_logs
WHERE log_status = 'OK'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY subnet_id
ORDER BY bytes DESC, subnet_id
LIMIT 51
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
