-- name: rejects-over-time
-- version: 2
-- title: Rejects over time
-- description: Rejected records per time bucket (by record start), with packets and
--   roughly how many sources and destinations: when did rejects begin, peak and stop.
--   The approximate counts are capped at the rejects, since a bucket cannot have more
--   sources or destinations than records; version 1 could show more, as approximate
--   counts overshoot small numbers.
-- tags: rca, security
-- fields: srcaddr, dstaddr, packets, start, end, action
-- param: bucket duration = 1h; the bucket width
WITH rejected AS (
  SELECT start - start % {{param "bucket"}} AS bucket_start, srcaddr, dstaddr, packets
  FROM {{table}}
  WHERE action = 'REJECT'
    AND {{window}}
)
SELECT
  {{timestamp "bucket_start"}} AS bucket,
  count(*) AS rejects,
  sum(packets) AS packets,
  least({{approx_distinct "srcaddr"}}, count(*)) AS sources_approx,
  least({{approx_distinct "dstaddr"}}, count(*)) AS destinations_approx
FROM rejected
GROUP BY bucket_start
ORDER BY bucket_start
