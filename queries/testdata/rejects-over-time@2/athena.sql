WITH rejected AS (
  SELECT start - start % 3600 AS bucket_start, srcaddr, dstaddr, packets
  FROM flow_logs
  WHERE action = 'REJECT'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  from_unixtime(bucket_start) AS bucket,
  count(*) AS rejects,
  sum(packets) AS packets,
  least(approx_distinct(srcaddr), count(*)) AS sources_approx,
  least(approx_distinct(dstaddr), count(*)) AS destinations_approx
FROM rejected
GROUP BY bucket_start
ORDER BY bucket_start
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
