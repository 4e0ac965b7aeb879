WITH r AS (
  SELECT
    interface_id, srcaddr, dstaddr, protocol, action, packets, bytes, start, "end",
    CASE WHEN srcport < dstport THEN srcport ELSE dstport END AS service_port,
    start % 86400 AS second_of_day
  FROM flow_logs
  WHERE log_status = 'OK'
    AND (contains(?, TRY_CAST(srcaddr AS IPADDRESS)) OR contains(?, TRY_CAST(dstaddr AS IPADDRESS)))
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  interface_id,
  srcaddr,
  dstaddr,
  service_port,
  protocol,
  action,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM r
WHERE NOT (CASE
    WHEN ? <= ?
      THEN second_of_day >= ? * 3600 AND second_of_day < ? * 3600
    ELSE second_of_day >= ? * 3600 OR second_of_day < ? * 3600
  END)
GROUP BY interface_id, srcaddr, dstaddr, service_port, protocol, action
ORDER BY first_seen, interface_id, srcaddr, dstaddr, service_port, protocol, action
LIMIT 1001
-- parameters: '10.0.1.0/24', '10.0.1.0/24', '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 8, 18, 8, 18, 8, 18
