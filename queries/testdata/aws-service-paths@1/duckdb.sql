WITH service_traffic AS (
  SELECT
    CASE WHEN flow_direction = 'egress' THEN pkt_dst_aws_service ELSE pkt_src_aws_service END AS service,
    CASE WHEN flow_direction = 'egress' THEN 'to' ELSE 'from' END AS direction,
    CASE WHEN flow_direction = 'egress' THEN traffic_path END AS path,
    CASE WHEN flow_direction = 'egress' THEN srcaddr ELSE dstaddr END AS host,
    packets, bytes, start, "end"
  FROM flow_logs
  WHERE log_status = 'OK'
    AND action = 'ACCEPT'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
    AND ((flow_direction = 'egress' AND pkt_dst_aws_service IS NOT NULL)
      OR (flow_direction = 'ingress' AND pkt_src_aws_service IS NOT NULL))
)
SELECT
  service,
  direction,
  path,
  CASE
    WHEN direction = 'from' THEN NULL
    WHEN path IS NULL THEN 'no path recorded'
    WHEN path = 1 THEN 'inside the VPC (a NAT gateway, an interface or another resource)'
    WHEN path = 2 THEN 'internet gateway or gateway VPC endpoint'
    WHEN path = 3 THEN 'virtual private gateway'
    WHEN path = 4 THEN 'intra-Region VPC peering'
    WHEN path = 5 THEN 'inter-Region VPC peering'
    WHEN path = 6 THEN 'local gateway'
    WHEN path = 7 THEN 'gateway VPC endpoint'
    WHEN path = 8 THEN 'internet gateway'
    ELSE 'unknown path'
  END AS via,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS records,
  count(DISTINCT host) AS hosts,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM service_traffic
GROUP BY service, direction, path
ORDER BY bytes DESC, service, direction, path NULLS LAST
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
