-- name: interface-rejects
-- version: 1
-- title: Rejects by interface and direction
-- description: Which interfaces rejected the most, and in which direction: rejected records,
--   packets, distinct sources and destinations, and when, per interface. With flow-direction
--   (v5) each interface has a row per direction, ingress (traffic arriving at the
--   interface: an inbound security group or network ACL rule) or egress (traffic leaving
--   it: an outbound rule, or a reply a stateless network ACL denies); without it direction
--   is empty and each interface has one row of both directions together.
-- tags: rca, security
-- fields: interface-id, srcaddr, dstaddr, packets, start, end, action
-- optional: flow-direction
-- param: limit int = 20; the most rows to return
SELECT
  interface_id,
  {{if has "flow-direction"}}flow_direction{{else}}TRY_CAST(NULL AS VARCHAR){{end}} AS direction,
  count(*) AS rejects,
  sum(packets) AS packets,
  count(DISTINCT srcaddr) AS sources,
  count(DISTINCT dstaddr) AS destinations,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND {{window}}
GROUP BY interface_id{{if has "flow-direction"}}, flow_direction{{end}}
ORDER BY rejects DESC, interface_id, direction
LIMIT {{param "limit"}}
