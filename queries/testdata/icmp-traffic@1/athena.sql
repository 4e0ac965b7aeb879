SELECT
  CASE WHEN protocol = 1 THEN 'ICMP' ELSE 'ICMPv6' END AS icmp,
  srcaddr,
  dstaddr,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) FILTER (WHERE action = 'ACCEPT') AS accepted,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  count(DISTINCT interface_id) AS interfaces,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE log_status = 'OK'
  AND protocol IN (1, 58)
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY protocol, srcaddr, dstaddr
ORDER BY rejected DESC, records DESC, icmp, srcaddr, dstaddr
LIMIT 101
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
