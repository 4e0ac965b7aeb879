WITH rejected AS (
  SELECT interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, start, "end"
  FROM flow_logs
  WHERE action = 'REJECT'
    AND protocol IN (6, 17)
    AND dstport >= ?
    AND srcport < dstport
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), forward AS (
  SELECT DISTINCT srcaddr, dstaddr, srcport, dstport, protocol
  FROM flow_logs
  WHERE action = 'ACCEPT'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  r.srcaddr AS server,
  r.srcport AS server_port,
  r.dstaddr AS client,
  r.interface_id,
  count(*) AS rejected_replies,
  count(DISTINCT r.dstport) AS client_ports,
  sum(r.packets) AS packets,
  from_unixtime(min(r.start)) AS first_seen,
  from_unixtime(max(r."end")) AS last_seen
FROM rejected r
JOIN forward f
  ON f.srcaddr = r.dstaddr AND f.dstaddr = r.srcaddr
 AND f.srcport = r.dstport AND f.dstport = r.srcport
 AND f.protocol = r.protocol
GROUP BY r.srcaddr, r.srcport, r.dstaddr, r.interface_id
ORDER BY rejected_replies DESC, server, server_port, client, r.interface_id
-- parameters: 1024, '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
