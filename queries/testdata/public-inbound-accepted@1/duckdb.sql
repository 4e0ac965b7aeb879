SELECT
  dstaddr,
  dstport,
  protocol,
  interface_id,
  count(DISTINCT srcaddr) AS sources,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM flow_logs
WHERE action = 'ACCEPT'
  AND (protocol NOT IN (6, 17) OR srcport >= dstport)
  AND NOT (flowq_in_network(?, srcaddr) OR flowq_in_network(?, srcaddr) OR flowq_in_network(?, srcaddr)
      OR flowq_in_network(?, srcaddr) OR flowq_in_network(?, srcaddr) OR flowq_in_network(?, srcaddr)
      OR flowq_in_network(?, srcaddr))
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY dstaddr, dstport, protocol, interface_id
ORDER BY sources DESC, records DESC, dstaddr, dstport, protocol, interface_id
LIMIT ?
-- parameters: '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7', 'fe80::/10', '::/128', '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 101
