-- name: conversation-summary
-- version: 2
-- title: Conversation summary per direction
-- description: Traffic between A and B summed per direction: records, packets and bytes,
--   how many records were accepted and rejected, and the hosts involved. Accepted one way
--   and rejected the other points at a stateless network ACL. The direction is a->b
--   (source in A, destination in B), b->a, or a<->b for records that fit both ways when
--   A and B overlap. Version 1 counted a record as a->b whenever its source was in A,
--   wrong when A and B overlap.
-- tags: rca
-- fields: srcaddr, dstaddr, packets, bytes, start, end, action, log-status
-- param: a cidr; one endpoint: an address or a network
-- param: b cidr; the other endpoint: an address or a network
SELECT
  CASE WHEN a_to_b AND b_to_a THEN 'a<->b' WHEN a_to_b THEN 'a->b' ELSE 'b->a' END AS direction,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  sum(CASE WHEN action = 'ACCEPT' THEN 1 ELSE 0 END) AS accepted,
  sum(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS rejected,
  count(DISTINCT srcaddr) AS sources,
  count(DISTINCT dstaddr) AS destinations,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM (
  SELECT
    srcaddr, dstaddr, packets, bytes, action, start, "end",
    {{in_network "a" "srcaddr"}} AND {{in_network "b" "dstaddr"}} AS a_to_b,
    {{in_network "b" "srcaddr"}} AND {{in_network "a" "dstaddr"}} AS b_to_a
  FROM {{table}}
  WHERE log_status = 'OK'
    AND {{window}}
) r
WHERE a_to_b OR b_to_a
GROUP BY 1
ORDER BY 1
