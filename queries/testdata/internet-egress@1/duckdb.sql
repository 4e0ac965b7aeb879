WITH sent AS (
  SELECT
    srcaddr, dstaddr, packets, bytes, start, "end",
    flowq_in_network(?, dstaddr) OR flowq_in_network(?, dstaddr) OR flowq_in_network(?, dstaddr)
      OR flowq_in_network(?, dstaddr) OR flowq_in_network(?, dstaddr) OR flowq_in_network(?, dstaddr) AS to_private
  FROM flow_logs
  WHERE log_status = 'OK'
    AND action = 'ACCEPT'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
    AND flow_direction = 'egress'
    AND (traffic_path IN (2, 8) OR traffic_path IS NULL)
)
SELECT
  srcaddr,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS records,
  count(DISTINCT dstaddr) AS destinations,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM sent
WHERE NOT to_private
GROUP BY srcaddr
ORDER BY bytes DESC, srcaddr
LIMIT ?
-- parameters: '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10', '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 21
