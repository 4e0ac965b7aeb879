-- name: conversation-summary
-- version: 1
-- title: Conversation summary per direction
-- description: Traffic between A and B summed per direction: records, packets and bytes,
--   how many records were accepted and rejected, and the hosts involved. Accepted one way
--   and rejected the other points at a stateless network ACL.
-- tags: rca
-- fields: srcaddr, dstaddr, packets, bytes, start, end, action, log-status
-- param: a cidr; one endpoint: an address or a network
-- param: b cidr; the other endpoint: an address or a network
SELECT
  CASE WHEN {{in_network "a" "srcaddr"}} THEN 'a->b' ELSE 'b->a' END AS direction,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  sum(CASE WHEN action = 'ACCEPT' THEN 1 ELSE 0 END) AS accepted,
  sum(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS rejected,
  count(DISTINCT srcaddr) AS sources,
  count(DISTINCT dstaddr) AS destinations,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE log_status = 'OK'
  AND {{window}}
  AND (({{in_network "a" "srcaddr"}} AND {{in_network "b" "dstaddr"}})
    OR ({{in_network "b" "srcaddr"}} AND {{in_network "a" "dstaddr"}}))
GROUP BY 1
ORDER BY 1
