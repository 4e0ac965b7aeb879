WITH records AS (
  SELECT
    tgw_attachment_id, srcaddr, dstaddr, packets, start, "end",
    packets_lost_no_route, packets_lost_blackhole, packets_lost_mtu_exceeded, packets_lost_ttl_expired
  FROM flow_logs
  WHERE log_status = 'OK'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), losses AS (
  SELECT
    r.tgw_attachment_id, k.reason, r.srcaddr, r.dstaddr, r.packets, r.start, r."end",
    CASE k.reason
      WHEN 'no-route' THEN r.packets_lost_no_route
      WHEN 'blackhole' THEN r.packets_lost_blackhole
      WHEN 'mtu-exceeded' THEN r.packets_lost_mtu_exceeded
      ELSE r.packets_lost_ttl_expired
    END AS lost
  FROM records r
  CROSS JOIN (VALUES ('no-route'), ('blackhole'), ('mtu-exceeded'), ('ttl-expired')) AS k (reason)
)
SELECT
  tgw_attachment_id,
  reason,
  sum(lost) AS packets_lost,
  count(*) FILTER (WHERE lost > 0) AS records,
  count(DISTINCT CASE WHEN lost > 0 THEN srcaddr END) AS sources,
  count(DISTINCT CASE WHEN lost > 0 THEN dstaddr END) AS destinations,
  make_timestamp((min(CASE WHEN lost > 0 THEN start END)) * 1000000) AS first_seen,
  make_timestamp((max(CASE WHEN lost > 0 THEN "end" END)) * 1000000) AS last_seen,
  sum(packets) AS attachment_packets
FROM losses
GROUP BY tgw_attachment_id, reason
HAVING sum(lost) > 0
ORDER BY packets_lost DESC, tgw_attachment_id, reason
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
