-- name: nodata-skipdata
-- version: 1
-- title: NODATA and SKIPDATA windows per interface
-- description: Stretches of time in which an interface logged no traffic (NODATA) or
--   lost records (SKIPDATA, an internal capacity limit or error), merged into runs.
--   NODATA on an interface that should be busy means nothing reached it; SKIPDATA means
--   the logs are incomplete for that time, which an audit must state.
-- tags: rca, compliance
-- fields: interface-id, start, end, log-status
-- param: gap duration = 1m; records at most this far apart join one run
WITH marked AS (
  SELECT
    interface_id,
    log_status,
    start,
    "end",
    CASE WHEN start <= lag("end") OVER (PARTITION BY interface_id, log_status ORDER BY start, "end") + {{param "gap"}}
      THEN 0 ELSE 1 END AS new_run
  FROM {{table}}
  WHERE log_status IN ('NODATA', 'SKIPDATA')
    AND {{window}}
), runs AS (
  SELECT *, sum(new_run) OVER (PARTITION BY interface_id, log_status ORDER BY start, "end" ROWS UNBOUNDED PRECEDING) AS run
  FROM marked
)
SELECT
  interface_id,
  log_status,
  {{timestamp "min(start)"}} AS run_start,
  {{timestamp `max("end") + 1`}} AS run_end,
  count(*) AS records,
  max("end") + 1 - min(start) AS seconds
FROM runs
GROUP BY interface_id, log_status, run
ORDER BY interface_id, run_start, log_status
