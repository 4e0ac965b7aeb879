-- name: tgw-lost-flows
-- version: 1
-- title: Transit Gateway flows that lost packets
-- description: The flows behind tgw-packet-loss (v6 Transit Gateway flow logs): per
--   attachment, pair attachment (the attachment the flow was to leave by, or came in by;
--   empty when the gateway had nowhere to send it), source, destination, destination port,
--   protocol and reason (no-route, blackhole, mtu-exceeded, ttl-expired), the packets lost,
--   the records that lost them and the packets those records counted. A no-route or
--   blackhole row names the destination a route is missing or blackholed for; an
--   mtu-exceeded row the flow sending packets too large for its path (often to a VPN or
--   Direct Connect, which take 1500 bytes); a ttl-expired row whose pair is its own
--   attachment, a loop. The reason parameter keeps one reason.
-- tags: tgw, rca
-- fields: tgw-attachment-id, tgw-pair-attachment-id, srcaddr, dstaddr, dstport, protocol, packets, start, end, log-status, packets-lost-no-route, packets-lost-blackhole, packets-lost-mtu-exceeded, packets-lost-ttl-expired
-- param: reason enum(any, no-route, blackhole, mtu-exceeded, ttl-expired) = any; only the packets lost for this reason
-- param: limit int = 100; the most flows to list
WITH lossy AS (
  SELECT
    tgw_attachment_id, tgw_pair_attachment_id, srcaddr, dstaddr, dstport, protocol, packets, start, "end",
    packets_lost_no_route, packets_lost_blackhole, packets_lost_mtu_exceeded, packets_lost_ttl_expired
  FROM {{table}}
  WHERE log_status = 'OK'
    AND {{window}}
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
  WHERE k.reason = {{param "reason"}} OR {{param "reason"}} = 'any'
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
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM losses
WHERE lost > 0
GROUP BY tgw_attachment_id, tgw_pair_attachment_id, srcaddr, dstaddr, dstport, protocol, reason
ORDER BY packets_lost DESC, tgw_attachment_id, reason, srcaddr, dstaddr, dstport NULLS LAST, protocol,
  tgw_pair_attachment_id NULLS LAST
LIMIT {{param "limit"}}
