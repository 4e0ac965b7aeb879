WITH lossy AS (
  SELECT
    tgw_attachment_id, tgw_pair_attachment_id, srcaddr, dstaddr, dstport, protocol, packets, start, "end",
    packets_lost_no_route, packets_lost_blackhole, packets_lost_mtu_exceeded, packets_lost_ttl_expired
  FROM flow_logs
  WHERE log_status = 'OK'
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
    AND (packets_lost_no_route > 0 OR packets_lost_blackhole > 0
      OR packets_lost_mtu_exceeded > 0 OR packets_lost_ttl_expired > 0)
), losses AS (
  SELECT
    r.tgw_attachment_id, r.tgw_pair_attachment_id, r.srcaddr, r.dstaddr, r.dstport, r.protocol, k.reason,
    r.packets, r.start, r."end",
    CASE k.reason
      WHEN 'no-route' THEN r.packets_lost_no_route
      WHEN 'blackhole' THEN r.packets_lost_blackhole
      WHEN 'mtu-exceeded' THEN r.packets_lost_mtu_exceeded
      ELSE r.packets_lost_ttl_expired
    END AS lost
  FROM lossy r
  CROSS JOIN (VALUES ('no-route'), ('blackhole'), ('mtu-exceeded'), ('ttl-expired')) AS k (reason)
  WHERE k.reason = ? OR ? = 'any'
)
SELECT
  tgw_attachment_id,
  tgw_pair_attachment_id,
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  reason,
  sum(lost) AS packets_lost,
  count(*) AS records,
  sum(packets) AS packets,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM losses
WHERE lost > 0
GROUP BY tgw_attachment_id, tgw_pair_attachment_id, srcaddr, dstaddr, dstport, protocol, reason
ORDER BY packets_lost DESC, tgw_attachment_id, reason, srcaddr, dstaddr, dstport NULLS LAST, protocol,
  tgw_pair_attachment_id NULLS LAST
LIMIT 101
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 'any', 'any'
