-- name: top-talking-subnets
-- version: 1
-- title: Top talking subnets
-- description: The subnets whose interfaces carried the most bytes, sent and received,
--   as the Athena integration's "top talking subnets": per subnet ID (v3), how many
--   interfaces recorded traffic, records, packets and bytes, most bytes first. Traffic
--   between two interfaces of a subnet is counted on each.
-- tags: cost, rca
-- fields: subnet-id, interface-id, packets, bytes, start, end, log-status
-- param: limit int = 50; how many subnets to list
SELECT
  subnet_id,
  count(DISTINCT interface_id) AS interfaces,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes
FROM {{table}}
WHERE log_status = 'OK'
  AND {{window}}
GROUP BY subnet_id
ORDER BY bytes DESC, subnet_id
LIMIT {{param "limit"}}
