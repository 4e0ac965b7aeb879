WITH hits AS (
  SELECT start - start % 60 AS first_minute, "end", packets, bytes, action, log_status
  FROM flow_logs
  WHERE (interface_id = ? OR srcaddr = ? OR dstaddr = ?)
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
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
    TRY_CAST(1767650400 AS BIGINT) - TRY_CAST(1767650400 AS BIGINT) % 60 AS from_minute,
    TRY_CAST(1767664800 AS BIGINT) + 59 - (TRY_CAST(1767664800 AS BIGINT) + 59) % 60 AS to_minute
  FROM per_minute
)
SELECT minute_start AS minute, minutes, state, records, accepted, rejected, nodata, skipdata, packets, bytes
FROM (
  SELECT
    minute AS at_second,
    from_unixtime(minute) AS minute_start,
    1 AS minutes,
    CASE WHEN accepted + rejected > 0 THEN 'traffic' WHEN skipdata > 0 THEN 'skipdata' ELSE 'nodata' END AS state,
    records, accepted, rejected, nodata, skipdata, packets, bytes
  FROM marked
  UNION ALL
  SELECT
    previous + 60 AS at_second,
    from_unixtime(previous + 60) AS minute_start,
    TRY_CAST((minute - previous) / 60 AS BIGINT) - 1 AS minutes,
    'no records' AS state,
    0, 0, 0, 0, 0, 0, 0
  FROM marked
  WHERE minute - previous > 60
  UNION ALL
  SELECT
    from_minute AS at_second,
    from_unixtime(from_minute) AS minute_start,
    TRY_CAST((coalesce(first_minute, to_minute) - from_minute) / 60 AS BIGINT) AS minutes,
    'no records' AS state,
    0, 0, 0, 0, 0, 0, 0
  FROM bounds
  WHERE coalesce(first_minute, to_minute) > from_minute
  UNION ALL
  SELECT
    last_minute + 60 AS at_second,
    from_unixtime(last_minute + 60) AS minute_start,
    TRY_CAST((to_minute - (last_minute + 60)) / 60 AS BIGINT) AS minutes,
    'no records' AS state,
    0, 0, 0, 0, 0, 0, 0
  FROM bounds
  WHERE last_minute + 60 < to_minute
) m
ORDER BY at_second
-- parameters: 'x', 'x', 'x', '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
