-- name: tgw-packet-loss
-- version: 1
-- title: Transit Gateway packets lost, per attachment and reason
-- description: The packets a Transit Gateway dropped (v6 Transit Gateway flow logs), per
--   attachment and reason: no-route (the attachment's route table has no route to the
--   destination), blackhole (a blackhole route matched), mtu-exceeded (a packet larger
--   than the path's MTU, e.g. jumbo frames towards a VPN, which takes 1500 bytes) and
--   ttl-expired (a routing loop). Each row: the packets lost, the records that lost
--   them, how many sources and destinations, when, and attachment_packets, every packet
--   the attachment's records counted in the window (lost or not), for scale. It answers
--   the route and MTU questions otherwise left to Reachability Analyzer or a packet
--   capture; tgw-lost-flows lists the flows behind a row. A loss is counted on the record
--   of the attachment that reported it; a table holding both a gateway's flow log and one
--   of its attachments' holds that attachment's records twice.
-- tags: tgw, rca
-- fields: tgw-attachment-id, srcaddr, dstaddr, packets, start, end, log-status, packets-lost-no-route, packets-lost-blackhole, packets-lost-mtu-exceeded, packets-lost-ttl-expired
WITH records AS (
  SELECT
    tgw_attachment_id, srcaddr, dstaddr, packets, start, "end",
    packets_lost_no_route, packets_lost_blackhole, packets_lost_mtu_exceeded, packets_lost_ttl_expired
  FROM {{table}}
  WHERE log_status = 'OK'
    AND {{window}}
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
  {{timestamp "min(CASE WHEN lost > 0 THEN start END)"}} AS first_seen,
  {{timestamp `max(CASE WHEN lost > 0 THEN "end" END)`}} AS last_seen,
  sum(packets) AS attachment_packets
FROM losses
GROUP BY tgw_attachment_id, reason
HAVING sum(lost) > 0
ORDER BY packets_lost DESC, tgw_attachment_id, reason
