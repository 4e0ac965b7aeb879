-- name: icmp-traffic
-- version: 1
-- title: ICMP and ICMPv6 traffic per pair
-- description: ICMP (protocol 1) and ICMPv6 (protocol 58) records per source and
--   destination: records, packets, bytes, how many were accepted and rejected, on how many
--   interfaces, and when. Flow logs have no field for the ICMP type or code (AWS's ping
--   example records ports 0 and 0), so an echo request, an echo reply and an error such as
--   "fragmentation needed" or "packet too big" cannot be told apart here; what a row says
--   is who sent ICMP to whom and whether it was let through. Pings answered one way and
--   rejected the other point at a stateless network ACL; ICMP rejected towards a host that
--   sends large packets points at a path-MTU black hole (see large-udp-flows).
-- tags: rca
-- fields: interface-id, srcaddr, dstaddr, protocol, packets, bytes, start, end, action, log-status
-- param: limit int = 100; the most rows to return
SELECT
  CASE WHEN protocol = 1 THEN 'ICMP' ELSE 'ICMPv6' END AS icmp,
  srcaddr,
  dstaddr,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) FILTER (WHERE action = 'ACCEPT') AS accepted,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  count(DISTINCT interface_id) AS interfaces,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE log_status = 'OK'
  AND protocol IN (1, 58)
  AND {{window}}
GROUP BY protocol, srcaddr, dstaddr
ORDER BY rejected DESC, records DESC, icmp, srcaddr, dstaddr
LIMIT {{param "limit"}}
