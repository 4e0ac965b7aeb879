-- name: traffic-between
-- version: 1
-- title: Traffic between two endpoints
-- description: Every record between A and B, in both directions, in time order: the
--   first thing to look at when A cannot reach B. Each endpoint is an address or a
--   CIDR network. A flow seen by both interfaces appears once per interface.
-- tags: rca
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status
-- param: a cidr; one endpoint: an address or a network
-- param: b cidr; the other endpoint: an address or a network
-- param: limit int = 1000; the most records to return
SELECT
  {{timestamp "start"}} AS start_time,
  {{timestamp `"end"`}} AS end_time,
  CASE WHEN {{in_network "a" "srcaddr"}} THEN 'a->b' ELSE 'b->a' END AS direction,
  interface_id,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  protocol,
  packets,
  bytes,
  action
FROM {{table}}
WHERE log_status = 'OK'
  AND {{window}}
  AND (({{in_network "a" "srcaddr"}} AND {{in_network "b" "dstaddr"}})
    OR ({{in_network "b" "srcaddr"}} AND {{in_network "a" "dstaddr"}}))
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport
LIMIT {{param "limit"}}
