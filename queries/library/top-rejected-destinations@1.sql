-- name: top-rejected-destinations
-- version: 1
-- title: Top rejected destinations
-- description: The destinations with the most rejected records in the window: how many
--   records and packets were rejected, roughly how many sources tried, and when. A sudden
--   newcomer at the top is a scan, a misconfigured client or a rule that changed.
-- tags: rca, security
-- fields: dstaddr, srcaddr, packets, action, start, end
-- param: limit int = 10; how many destinations to list
SELECT
  dstaddr,
  count(*) AS rejects,
  sum(packets) AS packets,
  {{approx_distinct "srcaddr"}} AS sources_approx,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND {{window}}
GROUP BY dstaddr
ORDER BY rejects DESC, dstaddr
LIMIT {{param "limit"}}
