-- name: top-rejected-destinations
-- version: 2
-- title: Top rejected destinations
-- description: The destinations with the most rejected records in the window: how many
--   records and packets were rejected, roughly how many sources tried, and when. A sudden
--   newcomer at the top is a scan, a misconfigured client or a rule that changed.
--   sources_approx is an approximate distinct count (cheap on any volume) capped at the
--   rejects, since there cannot be more sources than records; version 1 could show more
--   sources than rejects, as approximate counts overshoot small numbers.
-- tags: rca, security
-- fields: dstaddr, srcaddr, packets, action, start, end
-- param: limit int = 10; how many destinations to list
SELECT
  dstaddr,
  count(*) AS rejects,
  sum(packets) AS packets,
  least({{approx_distinct "srcaddr"}}, count(*)) AS sources_approx,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND {{window}}
GROUP BY dstaddr
ORDER BY rejects DESC, dstaddr
LIMIT {{param "limit"}}
