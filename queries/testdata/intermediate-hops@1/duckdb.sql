SELECT
  interface_id,
  CASE
    WHEN pkt_srcaddr <> srcaddr AND pkt_dstaddr <> dstaddr THEN 'both'
    WHEN pkt_srcaddr <> srcaddr THEN 'source'
    ELSE 'destination'
  END AS differs,
  srcaddr,
  pkt_srcaddr,
  dstaddr,
  pkt_dstaddr,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  make_timestamp((min(start)) * 1000000) AS first_seen,
  make_timestamp((max("end")) * 1000000) AS last_seen
FROM flow_logs
WHERE log_status = 'OK'
  AND (pkt_srcaddr <> srcaddr OR pkt_dstaddr <> dstaddr)
  AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
GROUP BY interface_id, srcaddr, pkt_srcaddr, dstaddr, pkt_dstaddr
ORDER BY bytes DESC, interface_id, srcaddr, pkt_srcaddr, dstaddr, pkt_dstaddr
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 101
