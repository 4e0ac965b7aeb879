WITH attempts AS (
  SELECT srcaddr, dstaddr, dstport, action, start, "end"
  FROM flow_logs
  WHERE log_status = 'OK'
    AND (protocol NOT IN (6, 17) OR srcport >= dstport)
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  srcaddr,
  count(DISTINCT dstport) AS ports,
  count(DISTINCT dstaddr) AS hosts,
  count(*) AS attempts,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  count(DISTINCT CASE WHEN action = 'ACCEPT' THEN dstport END) AS accepted_ports,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM attempts
GROUP BY srcaddr
HAVING count(DISTINCT dstport) >= ? OR count(DISTINCT dstaddr) >= ?
ORDER BY ports DESC, hosts DESC, srcaddr
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 100, 100, 101
