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
), sides AS (
  SELECT src AS address, level, bytes AS bytes_sent, 0 AS bytes_received, packets FROM r
  UNION ALL
  SELECT dst AS address, level, 0 AS bytes_sent, bytes AS bytes_received, packets FROM r
)
SELECT
  address,
  level,
  sum(bytes_sent) + sum(bytes_received) AS bytes,
  sum(bytes_sent) AS bytes_sent,
  sum(bytes_received) AS bytes_received,
  sum(packets) AS packets
FROM sides
WHERE address IS NOT NULL
GROUP BY address, level
ORDER BY bytes DESC, address
LIMIT 51
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
