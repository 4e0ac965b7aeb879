-- name: top-talking-instances
-- version: 1
-- title: Top talking instances
-- description: The instances whose interfaces carried the most bytes, sent and received,
--   as the Athena integration's "top talking instances": per instance ID (v3), how many
--   of its interfaces recorded traffic, records, packets and bytes, most bytes first.
--   Interfaces without an instance (a NAT gateway's, a load balancer's, an endpoint's:
--   requester-managed, instance-id '-') are left out; top-talking-subnets counts them.
-- tags: cost, rca
-- fields: instance-id, interface-id, packets, bytes, start, end, log-status
-- param: limit int = 50; how many instances to list
SELECT
  instance_id,
  count(DISTINCT interface_id) AS interfaces,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes
FROM {{table}}
WHERE log_status = 'OK'
  AND instance_id IS NOT NULL
  AND {{window}}
GROUP BY instance_id
ORDER BY bytes DESC, instance_id
LIMIT {{param "limit"}}
