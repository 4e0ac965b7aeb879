-- name: unusual-protocols
-- version: 1
-- title: Unusual IP protocols
-- description: Traffic of any IP protocol other than TCP (6), UDP (17), ICMP (1) and ICMPv6
--   (58), per protocol, source, destination, interface and action: records, packets, bytes
--   and when, with the protocol's name for the common ones. GRE (47), ESP (50) and AH (51)
--   are tunnels and VPNs; expected between your VPN appliances and their peers, they are a
--   covert channel anywhere else. Security groups allow what they are told, so accepted
--   rows are ones a rule lets in.
-- tags: security
-- fields: interface-id, srcaddr, dstaddr, protocol, packets, bytes, start, end, action, log-status
-- param: limit int = 1000; the most rows to return
SELECT
  protocol,
  CASE protocol
    WHEN 0 THEN 'HOPOPT' WHEN 2 THEN 'IGMP' WHEN 4 THEN 'IPv4-in-IP' WHEN 41 THEN 'IPv6-in-IP' WHEN 47 THEN 'GRE'
    WHEN 50 THEN 'ESP' WHEN 51 THEN 'AH' WHEN 89 THEN 'OSPF' WHEN 103 THEN 'PIM' WHEN 112 THEN 'VRRP'
    WHEN 115 THEN 'L2TP' WHEN 132 THEN 'SCTP'
  END AS protocol_name,
  srcaddr,
  dstaddr,
  interface_id,
  action,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE log_status = 'OK'
  AND protocol NOT IN (1, 6, 17, 58)
  AND {{window}}
GROUP BY protocol, srcaddr, dstaddr, interface_id, action
ORDER BY protocol, srcaddr, dstaddr, interface_id, action
LIMIT {{param "limit"}}
