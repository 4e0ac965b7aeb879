WITH udp AS (
  SELECT srcaddr, dstaddr, dstport, packets, bytes, start, "end"
  FROM flow_logs
  WHERE log_status = 'OK'
    AND protocol = 17
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), flows AS (
  SELECT
    srcaddr, dstaddr, dstport,
    count(*) AS records,
    sum(packets) AS packets,
    sum(bytes) AS bytes,
    min(start) AS first_start,
    max("end") AS last_end
  FROM udp
  GROUP BY srcaddr, dstaddr, dstport
  HAVING sum(packets) >= ?
    AND TRY_CAST(sum(bytes) AS DOUBLE) / sum(packets) > ?
), back AS (
  SELECT srcaddr, dstaddr, sum(packets) AS packets
  FROM udp
  GROUP BY srcaddr, dstaddr
)
SELECT
  f.srcaddr,
  f.dstaddr,
  f.dstport,
  f.records,
  f.packets,
  f.bytes,
  round(TRY_CAST(f.bytes AS DOUBLE) / f.packets, 1) AS avg_packet_bytes,
  coalesce(b.packets, 0) AS reply_packets,
  make_timestamp((f.first_start) * 1000000) AS first_seen,
  make_timestamp((f.last_end) * 1000000) AS last_seen
FROM flows f
LEFT JOIN back b ON b.srcaddr = f.dstaddr AND b.dstaddr = f.srcaddr
ORDER BY f.bytes DESC, f.srcaddr, f.dstaddr, f.dstport
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 100, 1400
