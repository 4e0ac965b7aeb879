-- name: large-udp-flows
-- version: 1
-- title: Large-packet UDP flows (path-MTU suspects)
-- description: UDP flows whose packets average more than a size, per source, destination
--   and destination port: records, packets, bytes, the average packet size (bytes per
--   packet, as flow logs count them) and the UDP packets that came back from the
--   destination to the source in the window. Inside a VPC packets may be up to 9001 bytes;
--   through an internet gateway, a VPN or some peerings the path carries 1500 or less, and
--   the larger packets are lost without a word when the ICMP "fragmentation needed" or "packet too big" messages are blocked: a flow that
--   sends large packets and gets little back is a black-hole suspect (icmp-traffic shows
--   whether ICMP towards the source was rejected). Flows of fewer packets than min_packets
--   are left out.
-- tags: rca
-- fields: srcaddr, dstaddr, dstport, protocol, packets, bytes, start, end, log-status
-- param: min_packet_bytes int = 1400; list flows whose packets average more bytes than this
-- param: min_packets int = 100; only flows of at least this many packets
WITH udp AS (
  SELECT srcaddr, dstaddr, dstport, packets, bytes, start, "end"
  FROM {{table}}
  WHERE log_status = 'OK'
    AND protocol = 17
    AND {{window}}
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
  HAVING sum(packets) >= {{param "min_packets"}}
    AND TRY_CAST(sum(bytes) AS DOUBLE) / sum(packets) > {{param "min_packet_bytes"}}
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
  {{timestamp "f.first_start"}} AS first_seen,
  {{timestamp "f.last_end"}} AS last_seen
FROM flows f
LEFT JOIN back b ON b.srcaddr = f.dstaddr AND b.dstaddr = f.srcaddr
ORDER BY f.bytes DESC, f.srcaddr, f.dstaddr, f.dstport
