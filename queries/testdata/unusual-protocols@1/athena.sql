SELECT
  protocol,
  CASE protocol
    WHEN 0 THEN 'HOPOPT' WHEN 2 THEN 'IGMP' WHEN 4 THEN 'IPv4-in-IP' WHEN 41 THEN 'IPv6-in-IP' WHEN 47 THEN 'GRE'
    WHEN 50 THEN 'ESP' WHEN 51 THEN 'AH' WHEN 89 THEN 'OSPF' WHEN 103 THEN 'PIM' WHEN 112 THEN 'VRRP'
    WHEN 115 THEN 'L2TP' WHEN 132 THEN 'SCTP'
  END AS protocol_name,
  srcaddr,
  dstaddr,
  interface_id,
  action,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE log_status = 'OK'
  AND protocol NOT IN (1, 6, 17, 58)
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY protocol, srcaddr, dstaddr, interface_id, action
ORDER BY protocol, srcaddr, dstaddr, interface_id, action
LIMIT 1001
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
