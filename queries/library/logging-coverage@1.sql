-- name: logging-coverage
-- version: 1
-- title: Flow-log coverage per interface and day
-- description: Whether each interface was logged all along, per UTC day: its records (all of
--   them, and how many were NODATA, no traffic in an interval, or SKIPDATA, records lost),
--   its first record's start and last record's end, and its gaps: silences longer than gap
--   between one of its records and the next, when nothing at all was recorded for it (the
--   instance stopped, the interface was detached, or the flow log was not delivering). A gap
--   counts on the day of the record that ends it; gap_seconds adds them up and
--   first_gap_from is when the day's first gap began. Time before an interface's first
--   record and after its last in the window is not a gap: read first_record and
--   last_record. An audit states each gap and each SKIPDATA as a time the log is incomplete.
-- tags: compliance
-- fields: interface-id, start, end, log-status
-- param: gap duration = 15m; a silence longer than this between two records of an interface is a gap
-- param: limit int = 100000; the most rows to return
WITH ordered AS (
  SELECT
    interface_id, log_status, start, "end",
    max("end") OVER (PARTITION BY interface_id ORDER BY start, "end" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM {{table}}
  WHERE interface_id IS NOT NULL
    AND {{window}}
), marked AS (
  SELECT
    interface_id, log_status, start, "end", prev_end,
    start - start % 86400 AS day_start,
    CASE WHEN start - prev_end > {{param "gap"}} THEN start - prev_end END AS gap_seconds
  FROM ordered
)
SELECT
  {{timestamp "day_start"}} AS day,
  interface_id,
  count(*) AS records,
  count(*) FILTER (WHERE log_status = 'NODATA') AS nodata,
  count(*) FILTER (WHERE log_status = 'SKIPDATA') AS skipdata,
  {{timestamp "min(start)"}} AS first_record,
  {{timestamp `max("end")`}} AS last_record,
  count(gap_seconds) AS gaps,
  coalesce(sum(gap_seconds), 0) AS gap_seconds,
  coalesce(max(gap_seconds), 0) AS longest_gap_seconds,
  {{timestamp "min(CASE WHEN gap_seconds IS NOT NULL THEN prev_end END)"}} AS first_gap_from
FROM marked
GROUP BY day_start, interface_id
ORDER BY day_start, interface_id
LIMIT {{param "limit"}}
