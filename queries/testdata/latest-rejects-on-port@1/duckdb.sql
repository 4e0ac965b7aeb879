SELECT
  make_timestamp((start) * 1000000) AS start_time,
  make_timestamp(("end") * 1000000) AS end_time,
  interface_id,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  protocol,
  packets,
  bytes
FROM flow_logs
WHERE action = 'REJECT'
  AND dstport = ?
  AND protocol = ?
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
ORDER BY start DESC, "end" DESC, interface_id, srcaddr, srcport, dstaddr, packets, bytes
LIMIT ?
-- parameters: 22, 6, '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 101
