-- name: internet-egress
-- version: 1
-- title: Bytes sent to the internet, per source
-- description: Who sends the most bytes to the internet, the traffic an internet gateway
--   bills as data transfer out: per source address, the bytes, packets and records sent to
--   public addresses, how many destinations, and when. A public address is one outside the
--   private ranges, given as parameters (RFC 1918, the 100.64.0.0/10 shared space, IPv6
--   unique-local and link-local); only accepted records count, as a rejected one never
--   left. With flow-direction (v5), a record counts when its interface sent it (egress),
--   so a NAT gateway's records of what it receives are not counted again and IPv6
--   senders, whose addresses are public, count; without it, a record counts when its
--   source is private. With traffic-path (v5), an egress record whose path is known
--   counts only through an internet gateway (8, or 2: internet gateway or gateway
--   endpoint, as non-Nitro instances record both): traffic to S3 or DynamoDB through a
--   gateway endpoint (7) and an instance's hop to a NAT gateway (1, inside the VPC) drop
--   out, and the NAT gateway's own egress is the sender; a record without a path falls
--   back to the address test. Without them, traffic through a NAT gateway counts on each
--   interface that logged it and a gateway endpoint's shows as internet traffic.
-- tags: cost
-- fields: srcaddr, dstaddr, packets, bytes, start, end, action, log-status
-- optional: flow-direction, traffic-path
-- param: private_10 cidr = 10.0.0.0/8; a private range (RFC 1918), never the internet
-- param: private_172 cidr = 172.16.0.0/12; a private range (RFC 1918), never the internet
-- param: private_192 cidr = 192.168.0.0/16; a private range (RFC 1918), never the internet
-- param: shared_100 cidr = 100.64.0.0/10; the shared address space (RFC 6598), never the internet
-- param: unique_local cidr = fc00::/7; IPv6 unique-local addresses, never the internet
-- param: link_local cidr = fe80::/10; IPv6 link-local addresses, never the internet
-- param: limit int = 20; the most sources to list
WITH sent AS (
  SELECT
    srcaddr, dstaddr, packets, bytes, start, "end",
    {{in_network "private_10" "dstaddr"}} OR {{in_network "private_172" "dstaddr"}} OR {{in_network "private_192" "dstaddr"}}
      OR {{in_network "shared_100" "dstaddr"}} OR {{in_network "unique_local" "dstaddr"}} OR {{in_network "link_local" "dstaddr"}} AS to_private
{{- if not (has "flow-direction")}},
    {{in_network "private_10" "srcaddr"}} OR {{in_network "private_172" "srcaddr"}} OR {{in_network "private_192" "srcaddr"}}
      OR {{in_network "shared_100" "srcaddr"}} OR {{in_network "unique_local" "srcaddr"}} OR {{in_network "link_local" "srcaddr"}} AS from_private
{{- end}}
  FROM {{table}}
  WHERE log_status = 'OK'
    AND action = 'ACCEPT'
    AND {{window}}
{{- if has "flow-direction"}}
    AND flow_direction = 'egress'
{{- end}}
{{- if has "traffic-path"}}
    AND (traffic_path IN (2, 8) OR traffic_path IS NULL)
{{- end}}
)
SELECT
  srcaddr,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS records,
  count(DISTINCT dstaddr) AS destinations,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM sent
WHERE NOT to_private
{{- if not (has "flow-direction")}}
  AND from_private
{{- end}}
GROUP BY srcaddr
ORDER BY bytes DESC, srcaddr
LIMIT {{param "limit"}}
