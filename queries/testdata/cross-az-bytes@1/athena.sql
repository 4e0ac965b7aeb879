WITH sent AS (
  SELECT
    coalesce(pkt_srcaddr, srcaddr) AS srcaddr,
    coalesce(pkt_dstaddr, dstaddr) AS dstaddr,
    coalesce(srcport, -1) AS srcport, coalesce(dstport, -1) AS dstport, protocol, az_id,
    sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS records, min(start) AS first_start, max("end") AS last_end
  FROM flow_logs
  WHERE log_status = 'OK'
    AND flow_direction = 'egress'
    AND action = 'ACCEPT'
    AND az_id IS NOT NULL
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
  GROUP BY 1, 2, 3, 4, 5, 6
), received AS (
  SELECT DISTINCT
    coalesce(pkt_srcaddr, srcaddr) AS srcaddr,
    coalesce(pkt_dstaddr, dstaddr) AS dstaddr,
    coalesce(srcport, -1) AS srcport, coalesce(dstport, -1) AS dstport, protocol, az_id
  FROM flow_logs
  WHERE log_status = 'OK'
    AND flow_direction = 'ingress'
    AND az_id IS NOT NULL
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), crossing AS (
  SELECT s.az_id AS src_az, r.az_id AS dst_az, s.srcaddr, s.dstaddr, s.bytes, s.packets, s.records, s.first_start, s.last_end
  FROM sent s
  JOIN received r
    ON r.srcaddr = s.srcaddr AND r.dstaddr = s.dstaddr AND r.srcport = s.srcport AND r.dstport = s.dstport
   AND r.protocol = s.protocol AND r.az_id <> s.az_id
)
SELECT
  src_az,
  dst_az,
  srcaddr,
  dstaddr,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  sum(records) AS records,
  sum(sum(bytes)) OVER (PARTITION BY src_az, dst_az) AS az_pair_bytes,
  from_unixtime(min(first_start)) AS first_seen,
  from_unixtime(max(last_end)) AS last_seen
FROM crossing
GROUP BY src_az, dst_az, srcaddr, dstaddr
ORDER BY bytes DESC, src_az, dst_az, srcaddr, dstaddr
LIMIT 101
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
