SELECT
  traffic_path AS path,
  CASE
    WHEN traffic_path IS NULL THEN 'no path recorded'
    WHEN traffic_path = 1 THEN 'another resource in the same VPC'
    WHEN traffic_path = 2 THEN 'internet gateway or gateway VPC endpoint'
    WHEN traffic_path = 3 THEN 'virtual private gateway'
    WHEN traffic_path = 4 THEN 'intra-Region VPC peering connection'
    WHEN traffic_path = 5 THEN 'inter-Region VPC peering connection'
    WHEN traffic_path = 6 THEN 'local gateway'
    WHEN traffic_path = 7 THEN 'gateway VPC endpoint (Nitro-based instance)'
    WHEN traffic_path = 8 THEN 'internet gateway (Nitro-based instance)'
    ELSE 'a code this query does not know'
  END AS meaning,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  count(DISTINCT interface_id) AS interfaces,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM flow_logs
WHERE log_status = 'OK'
  AND flow_direction = 'egress'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY traffic_path
ORDER BY path NULLS LAST
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
