SELECT
  srcaddr,
  dstaddr,
  dstport,
  CASE dstport
    WHEN 22 THEN 'ssh' WHEN 23 THEN 'telnet' WHEN 135 THEN 'msrpc' WHEN 139 THEN 'netbios' WHEN 445 THEN 'smb'
    WHEN 1433 THEN 'mssql' WHEN 1521 THEN 'oracle' WHEN 2049 THEN 'nfs' WHEN 2375 THEN 'docker' WHEN 2376 THEN 'docker'
    WHEN 3306 THEN 'mysql' WHEN 3389 THEN 'rdp' WHEN 5432 THEN 'postgresql' WHEN 5900 THEN 'vnc' WHEN 5985 THEN 'winrm'
    WHEN 5986 THEN 'winrm' WHEN 6379 THEN 'redis' WHEN 9200 THEN 'elasticsearch' WHEN 11211 THEN 'memcached'
    WHEN 27017 THEN 'mongodb'
  END AS service,
  protocol,
  interface_id,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM flow_logs
WHERE action = 'ACCEPT'
  AND protocol IN (6, 17)
  AND dstport IN (22, 23, 135, 139, 445, 1433, 1521, 2049, 2375, 2376, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 9200, 11211, 27017)
  AND NOT (contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS))
      OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(srcaddr AS IPADDRESS))
      OR contains(?, TRY_CAST(srcaddr AS IPADDRESS)))
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY srcaddr, dstaddr, dstport, protocol, interface_id
ORDER BY dstaddr, dstport, protocol, srcaddr, interface_id
LIMIT 1001
-- parameters: '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10', '::/128', '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
