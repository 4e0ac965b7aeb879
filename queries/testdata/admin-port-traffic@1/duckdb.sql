WITH admin AS (
  SELECT
    CASE WHEN dstport IN (22, 23, 3389, 5900, 5985, 5986) THEN dstaddr ELSE srcaddr END AS address,
    CASE WHEN dstport IN (22, 23, 3389, 5900, 5985, 5986) THEN dstport ELSE srcport END AS port,
    CASE WHEN dstport IN (22, 23, 3389, 5900, 5985, 5986) THEN srcaddr ELSE dstaddr END AS client,
    packets,
    bytes,
    action,
    start,
    "end"
  FROM flow_logs
  WHERE (dstport IN (22, 23, 3389, 5900, 5985, 5986) OR srcport IN (22, 23, 3389, 5900, 5985, 5986))
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  address,
  port,
  CASE port WHEN 22 THEN 'ssh' WHEN 23 THEN 'telnet' WHEN 3389 THEN 'rdp' WHEN 5900 THEN 'vnc' ELSE 'winrm' END AS service,
  count(*) AS records,
  count(DISTINCT client) AS clients,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) FILTER (WHERE action = 'ACCEPT') AS accepted,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM admin
GROUP BY address, port
ORDER BY bytes DESC, address, port
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 11
