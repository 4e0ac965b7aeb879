-- name: egress-paths
-- version: 1
-- title: Egress traffic by path
-- description: Where traffic leaving the interfaces went, by traffic-path (v5): records,
--   packets, bytes, rejected records and interfaces per path code, with the code's meaning
--   (1 same VPC, 2 internet gateway or gateway VPC endpoint, 3 virtual private gateway,
--   4 intra-Region VPC peering, 5 inter-Region VPC peering, 6 local gateway, 7 gateway VPC
--   endpoint and 8 internet gateway, the last two as Nitro-based instances record them).
--   AWS records a path for egress only: ingress records are left out, and an egress record
--   without a path (none applies) is the row whose path is empty. Read it for how much
--   leaves through an internet gateway rather than an endpoint, a peering connection or a
--   VPN, and from how many interfaces.
-- tags: rca, cost
-- fields: interface-id, flow-direction, traffic-path, packets, bytes, start, end, action, log-status
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
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE log_status = 'OK'
  AND flow_direction = 'egress'
  AND {{window}}
GROUP BY traffic_path
ORDER BY path NULLS LAST
