WITH ordered AS (
  SELECT
    interface_id, log_status, start, "end",
    max("end") OVER (PARTITION BY interface_id ORDER BY start, "end" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM flow_logs
  WHERE interface_id IS NOT NULL
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), marked AS (
  SELECT
    interface_id, log_status, start, "end", prev_end,
    start - start % 86400 AS day_start,
    CASE WHEN start - prev_end > 900 THEN start - prev_end END AS gap_seconds
  FROM ordered
)
SELECT
  from_unixtime(day_start) AS day,
  interface_id,
  count(*) AS records,
  count(*) FILTER (WHERE log_status = 'NODATA') AS nodata,
  count(*) FILTER (WHERE log_status = 'SKIPDATA') AS skipdata,
  from_unixtime(min(start)) AS first_record,
  from_unixtime(max("end")) AS last_record,
  count(gap_seconds) AS gaps,
  coalesce(sum(gap_seconds), 0) AS gap_seconds,
  coalesce(max(gap_seconds), 0) AS longest_gap_seconds,
  from_unixtime(min(CASE WHEN gap_seconds IS NOT NULL THEN prev_end END)) AS first_gap_from
FROM marked
GROUP BY day_start, interface_id
ORDER BY day_start, interface_id
LIMIT 100001
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
