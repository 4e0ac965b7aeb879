-- name: top-rejected-sources
-- version: 1
-- title: Top rejected sources
-- description: The sources with the most rejected records in the window: how many records and
--   packets were rejected, how many destinations and destination ports they tried (exact
--   counts), and when. An internet address rejected on many ports or hosts is a scan; an
--   address of your own near the top is a client whose security group or network ACL is
--   wrong, a server whose replies a stateless network ACL drops, or a host trying to reach
--   what it should not.
-- tags: security
-- fields: srcaddr, dstaddr, dstport, packets, start, end, action
-- param: limit int = 10; how many sources to list
SELECT
  srcaddr,
  count(*) AS rejects,
  sum(packets) AS packets,
  count(DISTINCT dstaddr) AS destinations,
  count(DISTINCT dstport) AS ports,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND {{window}}
GROUP BY srcaddr
ORDER BY rejects DESC, srcaddr
LIMIT {{param "limit"}}
