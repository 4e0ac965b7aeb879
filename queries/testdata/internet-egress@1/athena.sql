WITH sent AS (
  SELECT
    srcaddr, dstaddr, packets, bytes, start, "end",
    contains('10.0.0.0/8', TRY_CAST(dstaddr AS IPADDRESS)) OR contains('172.16.0.0/12', TRY_CAST(dstaddr AS IPADDRESS)) OR contains('192.168.0.0/16', TRY_CAST(dstaddr AS IPADDRESS))
      OR contains('100.64.0.0/10', TRY_CAST(dstaddr AS IPADDRESS)) OR contains('fc00::/7', TRY_CAST(dstaddr AS IPADDRESS)) OR contains('fe80::/10', TRY_CAST(dstaddr AS IPADDRESS)) AS to_private
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
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM sent
WHERE NOT to_private
GROUP BY srcaddr
ORDER BY bytes DESC, srcaddr
LIMIT 21
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
