-- name: traffic-from-to
-- version: 1
-- title: Traffic from A to B, one direction
-- description: Every record from A to B (source in A, destination in B), in time order;
--   the replies from B to A are not listed (traffic-between lists both directions). Each
--   endpoint is an address or a CIDR network. A flow seen by both interfaces appears once
--   per interface. Read action and interface_id: accepted on A's interface and missing or
--   rejected on B's is a rule on B's side.
-- tags: rca
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status
-- param: a cidr; the source: an address or a network
-- param: b cidr; the destination: an address or a network
-- param: limit int = 1000; the most records to return
SELECT
  {{timestamp "start"}} AS start_time,
  {{timestamp `"end"`}} AS end_time,
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
  AND {{in_network "a" "srcaddr"}}
  AND {{in_network "b" "dstaddr"}}
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
LIMIT {{param "limit"}}
