-- name: cross-az-bytes
-- version: 1
-- title: Bytes between Availability Zones
-- description: Traffic between interfaces in different Availability Zones, which AWS
--   bills in each direction: per source AZ, destination AZ, source and destination
--   address, the bytes, packets and records sent, when, and az_pair_bytes, the total of
--   the AZ pair the row belongs to. Each interface logs its own side and az-id (v4) is
--   the logging interface's AZ, so the other side's AZ is known only when it logs too: a
--   flow counts when an interface sent it (an accepted egress record, flow-direction v5)
--   and an interface in another AZ logged it arriving (an ingress record of the same
--   addresses, ports and protocol in the window, whatever its action, as the bytes
--   crossed anyway), with the sender's bytes. Flows are matched by their packet-level
--   addresses (pkt-srcaddr, pkt-dstaddr, v3) when the table has them: a NAT gateway's
--   interface writes its own address for the end it stands in for, so traffic through a
--   NAT gateway in another AZ counts as the hops it is (the instance's flow to the internet
--   address, received by the gateway; the reply, sent by the gateway to the instance),
--   listed by the packet-level addresses; without them such hops are not found. Not counted: flows whose other side is not in the data (another
--   VPC or account without these logs, an RDS or load balancer interface not logged, an
--   interface logging only rejects), and traffic of a sublocation (no AZ). So the answer
--   is a floor, exact where both sides are logged.
-- tags: cost
-- fields: az-id, flow-direction, action, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, log-status
-- optional: pkt-srcaddr, pkt-dstaddr
-- param: limit int = 100; the most address pairs to list
WITH sent AS (
  SELECT
    {{if has "pkt-srcaddr"}}coalesce(pkt_srcaddr, srcaddr){{else}}srcaddr{{end}} AS srcaddr,
    {{if has "pkt-dstaddr"}}coalesce(pkt_dstaddr, dstaddr){{else}}dstaddr{{end}} AS dstaddr,
    coalesce(srcport, -1) AS srcport, coalesce(dstport, -1) AS dstport, protocol, az_id,
    sum(bytes) AS bytes, sum(packets) AS packets, count(*) AS records, min(start) AS first_start, max("end") AS last_end
  FROM {{table}}
  WHERE log_status = 'OK'
    AND flow_direction = 'egress'
    AND action = 'ACCEPT'
    AND az_id IS NOT NULL
    AND {{window}}
  GROUP BY 1, 2, 3, 4, 5, 6
), received AS (
  SELECT DISTINCT
    {{if has "pkt-srcaddr"}}coalesce(pkt_srcaddr, srcaddr){{else}}srcaddr{{end}} AS srcaddr,
    {{if has "pkt-dstaddr"}}coalesce(pkt_dstaddr, dstaddr){{else}}dstaddr{{end}} AS dstaddr,
    coalesce(srcport, -1) AS srcport, coalesce(dstport, -1) AS dstport, protocol, az_id
  FROM {{table}}
  WHERE log_status = 'OK'
    AND flow_direction = 'ingress'
    AND az_id IS NOT NULL
    AND {{window}}
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
  {{timestamp "min(first_start)"}} AS first_seen,
  {{timestamp "max(last_end)"}} AS last_seen
FROM crossing
GROUP BY src_az, dst_az, srcaddr, dstaddr
ORDER BY bytes DESC, src_az, dst_az, srcaddr, dstaddr
LIMIT {{param "limit"}}
