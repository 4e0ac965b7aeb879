SELECT
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) FILTER (WHERE action = 'ACCEPT') AS accepted,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM flow_logs
WHERE ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
  AND CASE WHEN ? = 'to' THEN flowq_in_network(?, dstaddr) ELSE flowq_in_network(?, srcaddr) END
  AND (? = 'any'
    OR protocol = CASE ? WHEN 'tcp' THEN 6 WHEN 'udp' THEN 17 WHEN 'icmp' THEN 1 WHEN 'icmpv6' THEN 58 END)
GROUP BY srcaddr, dstaddr, dstport, protocol
ORDER BY bytes DESC, srcaddr, dstaddr, dstport, protocol
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 'from', '10.0.1.0/24', '10.0.1.0/24', 'any', 'any', 101
