-- name: egress-to-public
-- version: 1
-- title: Egress to public addresses by bytes
-- description: Accepted traffic from your addresses to public ones, per source and
--   destination, most bytes first: bytes, packets, records, how many destination ports, and
--   when. The top rows are where your data goes: backups and updates, or an exfiltration.
--   A record counts when its source is not public and its destination is; an address is
--   public unless it lies in one of the networks of the parameters below (private, shared,
--   unique-local and link-local space, and internal). A VPC's IPv6 addresses are global, so
--   egress from them counts only once their block is given as internal. A flow recorded on
--   two of your interfaces (an instance's and a NAT gateway's) counts on each.
-- tags: security
-- fields: srcaddr, dstaddr, dstport, packets, bytes, start, end, action
-- param: rfc1918_10 cidr = 10.0.0.0/8; private addresses (RFC 1918), not public
-- param: rfc1918_172 cidr = 172.16.0.0/12; private addresses (RFC 1918), not public
-- param: rfc1918_192 cidr = 192.168.0.0/16; private addresses (RFC 1918), not public
-- param: shared_100 cidr = 100.64.0.0/10; shared address space (RFC 6598, carrier-grade NAT), not public
-- param: unique_local cidr = fc00::/7; IPv6 unique local addresses, not public
-- param: link_local cidr = fe80::/10; IPv6 link-local addresses, not public
-- param: internal cidr = ::/128; addresses of your own that the test counts as public, e.g. the VPC's IPv6 block (the default matches nothing)
-- param: limit int = 20; how many pairs to list
SELECT
  srcaddr,
  dstaddr,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS records,
  count(DISTINCT dstport) AS ports,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'ACCEPT'
  AND NOT ({{in_network "rfc1918_10" "dstaddr"}} OR {{in_network "rfc1918_172" "dstaddr"}} OR {{in_network "rfc1918_192" "dstaddr"}}
      OR {{in_network "shared_100" "dstaddr"}} OR {{in_network "unique_local" "dstaddr"}} OR {{in_network "link_local" "dstaddr"}}
      OR {{in_network "internal" "dstaddr"}})
  AND ({{in_network "rfc1918_10" "srcaddr"}} OR {{in_network "rfc1918_172" "srcaddr"}} OR {{in_network "rfc1918_192" "srcaddr"}}
      OR {{in_network "shared_100" "srcaddr"}} OR {{in_network "unique_local" "srcaddr"}} OR {{in_network "link_local" "srcaddr"}}
      OR {{in_network "internal" "srcaddr"}})
  AND {{window}}
GROUP BY srcaddr, dstaddr
ORDER BY bytes DESC, srcaddr, dstaddr
LIMIT {{param "limit"}}
