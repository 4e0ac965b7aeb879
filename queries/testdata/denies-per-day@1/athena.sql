WITH rejected AS (
  SELECT
    start - start % 86400 AS day_start,
    account_id,
    vpc_id,
    interface_id, srcaddr, dstaddr, packets, bytes
  FROM flow_logs
  WHERE action = 'REJECT'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  from_unixtime(day_start) AS day,
  account_id,
  vpc_id,
  interface_id,
  count(*) AS rejects,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(DISTINCT srcaddr) AS sources,
  count(DISTINCT dstaddr) AS destinations
FROM rejected
GROUP BY day_start, account_id, vpc_id, interface_id
ORDER BY day_start, account_id, vpc_id, interface_id
LIMIT 10001
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
