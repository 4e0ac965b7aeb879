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
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
  AND CASE WHEN ? = 'to' THEN contains(?, TRY_CAST(dstaddr AS IPADDRESS)) ELSE contains(?, TRY_CAST(srcaddr AS IPADDRESS)) END
  AND (? = 'any'
    OR protocol = CASE ? WHEN 'tcp' THEN 6 WHEN 'udp' THEN 17 WHEN 'icmp' THEN 1 WHEN 'icmpv6' THEN 58 END)
GROUP BY srcaddr, dstaddr, dstport, protocol
ORDER BY bytes DESC, srcaddr, dstaddr, dstport, protocol
LIMIT 101
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 'from', '10.0.1.0/24', '10.0.1.0/24', 'any', 'any'
