SELECT
  srcaddr,
  dstaddr,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS records,
  count(DISTINCT dstport) AS ports,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE action = 'ACCEPT'
  AND NOT (contains(?, TRY_CAST(dstaddr AS IPADDRESS)) OR contains(?, TRY_CAST(dstaddr AS IPADDRESS)) OR contains(?, TRY_CAST(dstaddr AS IPADDRESS))
      OR contains(?, TRY_CAST(dstaddr AS IPADDRESS)) OR contains(?, TRY_CAST(dstaddr AS IPADDRESS)) OR contains(?, TRY_CAST(dstaddr AS IPADDRESS))
      OR contains(?, TRY_CAST(dstaddr AS IPADDRESS)))
  AND (contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS))
      OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS))
      OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)))
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY srcaddr, dstaddr
ORDER BY bytes DESC, srcaddr, dstaddr
LIMIT 21
-- parameters: '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10', '::/128', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10', '::/128', '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
