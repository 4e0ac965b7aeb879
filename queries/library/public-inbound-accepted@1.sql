-- name: public-inbound-accepted
-- version: 1
-- title: Accepted inbound traffic from public addresses
-- description: The services that accepted traffic opened from public addresses, per
--   destination, port, protocol and interface: how many public sources, records, packets
--   and bytes, and when. Traffic opened from outside is a record from a source port at or
--   above its destination port (a client's port towards a service), or of a protocol
--   without ports (GRE, ESP, ICMP…); the replies to your own connections out, from a
--   service port back to a higher client port, are left out. Expected rows are your
--   load balancers and public services; any other is an exposure to explain. An address is
--   public unless it lies in one of the networks of the parameters below (private, shared,
--   unique-local and link-local space, and internal): a VPC's IPv6 addresses are global, so
--   pass its IPv6 block as internal, or traffic between its own IPv6 hosts shows here too.
-- tags: security
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action
-- param: rfc1918_10 cidr = 10.0.0.0/8; private addresses (RFC 1918), not public
-- param: rfc1918_172 cidr = 172.16.0.0/12; private addresses (RFC 1918), not public
-- param: rfc1918_192 cidr = 192.168.0.0/16; private addresses (RFC 1918), not public
-- param: shared_100 cidr = 100.64.0.0/10; shared address space (RFC 6598, carrier-grade NAT), not public
-- param: unique_local cidr = fc00::/7; IPv6 unique local addresses, not public
-- param: link_local cidr = fe80::/10; IPv6 link-local addresses, not public
-- param: internal cidr = ::/128; addresses of your own that the test counts as public, e.g. the VPC's IPv6 block (the default matches nothing)
-- param: limit int = 100; the most services to list
SELECT
  dstaddr,
  dstport,
  protocol,
  interface_id,
  count(DISTINCT srcaddr) AS sources,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'ACCEPT'
  AND (protocol NOT IN (6, 17) OR srcport >= dstport)
  AND NOT ({{in_network "rfc1918_10" "srcaddr"}} OR {{in_network "rfc1918_172" "srcaddr"}} OR {{in_network "rfc1918_192" "srcaddr"}}
      OR {{in_network "shared_100" "srcaddr"}} OR {{in_network "unique_local" "srcaddr"}} OR {{in_network "link_local" "srcaddr"}}
      OR {{in_network "internal" "srcaddr"}})
  AND {{window}}
GROUP BY dstaddr, dstport, protocol, interface_id
ORDER BY sources DESC, records DESC, dstaddr, dstport, protocol, interface_id
LIMIT {{param "limit"}}
