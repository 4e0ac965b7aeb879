WITH marked AS (
  SELECT
    interface_id,
    log_status,
    start,
    "end",
    CASE WHEN start <= lag("end") OVER (PARTITION BY interface_id, log_status ORDER BY start, "end") + 60
      THEN 0 ELSE 1 END AS new_run
  FROM flow_logs
  WHERE log_status IN ('NODATA', 'SKIPDATA')
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), runs AS (
  SELECT *, sum(new_run) OVER (PARTITION BY interface_id, log_status ORDER BY start, "end" ROWS UNBOUNDED PRECEDING) AS run
  FROM marked
)
SELECT
  interface_id,
  log_status,
  from_unixtime(min(start)) AS run_start,
  from_unixtime(max("end") + 1) AS run_end,
  count(*) AS records,
  max("end") + 1 - min(start) AS seconds
FROM runs
GROUP BY interface_id, log_status, run
ORDER BY interface_id, run_start, log_status
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
