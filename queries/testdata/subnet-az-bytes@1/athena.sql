SELECT
  az_id,
  subnet_id,
  count(DISTINCT interface_id) AS interfaces,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  sum(CASE WHEN flow_direction = 'egress' THEN bytes ELSE 0 END) AS bytes_out,
  sum(CASE WHEN flow_direction = 'ingress' THEN bytes ELSE 0 END) AS bytes_in
FROM flow_logs
WHERE log_status = 'OK'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY az_id, subnet_id
ORDER BY bytes DESC, az_id NULLS LAST, subnet_id NULLS LAST
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
