-- name: traffic-between
-- version: 2
-- title: Traffic between two endpoints
-- description: Every record between A and B, in both directions, in time order: the
--   first thing to look at when A cannot reach B. Each endpoint is an address or a
--   CIDR network. A flow seen by both interfaces appears once per interface. The
--   direction is a->b (source in A, destination in B), b->a, or a<->b when A and B
--   overlap and the record fits both ways (its source and destination each lie in both).
--   Version 1 labelled a record a->b whenever its source was in A, wrong when A and B overlap.
-- tags: rca
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status
-- param: a cidr; one endpoint: an address or a network
-- param: b cidr; the other endpoint: an address or a network
-- param: limit int = 1000; the most records to return
SELECT
  {{timestamp "start"}} AS start_time,
  {{timestamp `"end"`}} AS end_time,
  CASE WHEN a_to_b AND b_to_a THEN 'a<->b' WHEN a_to_b THEN 'a->b' ELSE 'b->a' END AS direction,
  interface_id,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  protocol,
  packets,
  bytes,
  action
FROM (
  SELECT
    start, "end", interface_id, srcaddr, srcport, dstaddr, dstport, protocol, packets, bytes, action,
    {{in_network "a" "srcaddr"}} AND {{in_network "b" "dstaddr"}} AS a_to_b,
    {{in_network "b" "srcaddr"}} AND {{in_network "a" "dstaddr"}} AS b_to_a
  FROM {{table}}
  WHERE log_status = 'OK'
    AND {{window}}
) r
WHERE a_to_b OR b_to_a
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport
LIMIT {{param "limit"}}
