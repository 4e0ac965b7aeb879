WITH r AS (
  SELECT
    CASE WHEN 'interface' = 'packet' THEN pkt_srcaddr ELSE srcaddr END AS src,
    CASE WHEN 'interface' = 'packet' THEN pkt_dstaddr ELSE dstaddr END AS dst,
    CASE WHEN 'interface' = 'packet' THEN 'packet' ELSE 'interface' END AS level,
    packets,
    bytes
  FROM flow_logs
  WHERE log_status = 'OK'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  src AS srcaddr,
  dst AS dstaddr,
  level,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes
FROM r
GROUP BY src, dst, level
ORDER BY bytes DESC, srcaddr, dstaddr
LIMIT 51
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
