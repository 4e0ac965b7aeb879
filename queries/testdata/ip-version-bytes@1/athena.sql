SELECT
  coalesce(type, CASE WHEN strpos(srcaddr, ':') > 0 THEN 'IPv6' ELSE 'IPv4' END) AS ip_version,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes
FROM flow_logs
WHERE log_status = 'OK'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY 1
ORDER BY 1
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
