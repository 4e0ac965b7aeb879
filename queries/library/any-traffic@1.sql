-- name: any-traffic
-- version: 1
-- title: Any traffic at all, minute by minute
-- description: Was there any traffic for an interface or an address? One row per minute
--   that has records of it, and one row per stretch of minutes between them that has none,
--   so that "no records" and "records of no traffic" read apart. state is traffic (accepted
--   or rejected records), nodata (the flow log ran and saw nothing: NODATA records), skipdata
--   (records were lost: SKIPDATA) or no records (minutes holds how many: nothing was logged,
--   so the interface was idle without the log saying so, or the log was not delivered). A
--   record counts in every minute from its start to its end (a 10-minute aggregation
--   interval spans ten rows; a record is counted in at most 16 minutes), so do not add the
--   rows up: for totals use conversation-summary. The window's minutes before the first
--   with records and after the last are no records rows too, so the rows cover the whole
--   window, and a window without any record of the target is one row: no records for all
--   its minutes. A record that started before the window shows from its first minute.
--   target is an interface ID (eni-…) or an address as the records write it (10.0.1.5);
--   NODATA and SKIPDATA records carry no address, so only an interface ID finds them.
-- tags: rca
-- fields: interface-id, srcaddr, dstaddr, packets, bytes, start, end, action, log-status
-- param: target string; an interface ID (eni-…) or an address (10.0.1.5)
WITH hits AS (
  SELECT start - start % 60 AS first_minute, "end", packets, bytes, action, log_status
  FROM {{table}}
  WHERE (interface_id = {{param "target"}} OR srcaddr = {{param "target"}} OR dstaddr = {{param "target"}})
    AND {{window}}
), per_minute AS (
  SELECT
    h.first_minute + 60 * o.k AS minute,
    count(*) AS records,
    count(*) FILTER (WHERE h.action = 'ACCEPT') AS accepted,
    count(*) FILTER (WHERE h.action = 'REJECT') AS rejected,
    count(*) FILTER (WHERE h.log_status = 'NODATA') AS nodata,
    count(*) FILTER (WHERE h.log_status = 'SKIPDATA') AS skipdata,
    coalesce(sum(h.packets), 0) AS packets,
    coalesce(sum(h.bytes), 0) AS bytes
  FROM hits h
  JOIN (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14), (15)) AS o(k)
    ON h.first_minute + 60 * o.k <= h."end"
  GROUP BY h.first_minute + 60 * o.k
), marked AS (
  SELECT *, lag(minute) OVER (ORDER BY minute) AS previous
  FROM per_minute
), bounds AS (
  SELECT
    min(minute) AS first_minute,
    max(minute) AS last_minute,
    TRY_CAST({{window_from}} AS BIGINT) - TRY_CAST({{window_from}} AS BIGINT) % 60 AS from_minute,
    TRY_CAST({{window_to}} AS BIGINT) + 59 - (TRY_CAST({{window_to}} AS BIGINT) + 59) % 60 AS to_minute
  FROM per_minute
)
SELECT minute_start AS minute, minutes, state, records, accepted, rejected, nodata, skipdata, packets, bytes
FROM (
  SELECT
    minute AS at_second,
    {{timestamp "minute"}} AS minute_start,
    1 AS minutes,
    CASE WHEN accepted + rejected > 0 THEN 'traffic' WHEN skipdata > 0 THEN 'skipdata' ELSE 'nodata' END AS state,
    records, accepted, rejected, nodata, skipdata, packets, bytes
  FROM marked
  UNION ALL
  SELECT
    previous + 60 AS at_second,
    {{timestamp "previous + 60"}} AS minute_start,
    TRY_CAST((minute - previous) / 60 AS BIGINT) - 1 AS minutes,
    'no records' AS state,
    0, 0, 0, 0, 0, 0, 0
  FROM marked
  WHERE minute - previous > 60
  UNION ALL
  SELECT
    from_minute AS at_second,
    {{timestamp "from_minute"}} AS minute_start,
    TRY_CAST((coalesce(first_minute, to_minute) - from_minute) / 60 AS BIGINT) AS minutes,
    'no records' AS state,
    0, 0, 0, 0, 0, 0, 0
  FROM bounds
  WHERE coalesce(first_minute, to_minute) > from_minute
  UNION ALL
  SELECT
    last_minute + 60 AS at_second,
    {{timestamp "last_minute + 60"}} AS minute_start,
    TRY_CAST((to_minute - (last_minute + 60)) / 60 AS BIGINT) AS minutes,
    'no records' AS state,
    0, 0, 0, 0, 0, 0, 0
  FROM bounds
  WHERE last_minute + 60 < to_minute
) m
ORDER BY at_second
