SELECT
  CASE WHEN contains('10.0.1.0/24', TRY_CAST(srcaddr AS IPADDRESS)) THEN 'a->b' ELSE 'b->a' END AS direction,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  sum(CASE WHEN action = 'ACCEPT' THEN 1 ELSE 0 END) AS accepted,
  sum(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS rejected,
  count(DISTINCT srcaddr) AS sources,
  count(DISTINCT dstaddr) AS destinations,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE log_status = 'OK'
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
  AND ((contains(?, TRY_CAST(srcaddr AS IPADDRESS)) AND contains(?, TRY_CAST(dstaddr AS IPADDRESS)))
    OR (contains(?, TRY_CAST(srcaddr AS IPADDRESS)) AND contains(?, TRY_CAST(dstaddr AS IPADDRESS))))
GROUP BY 1
ORDER BY 1
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, '10.0.1.0/24', '10.0.1.0/24', '10.0.1.0/24', '10.0.1.0/24'
