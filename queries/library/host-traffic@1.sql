-- name: host-traffic
-- version: 1
-- title: Traffic from or to a host
-- description: What a host (an address or a network) sent, per destination, or with
--   direction=to what it received, per source: per source, destination, destination port
--   and protocol, the records, packets, bytes, and how many were accepted and rejected,
--   most bytes first. As the Athena integration's "traffic from a source address",
--   "traffic to a destination address" and, with protocol=tcp, "top TCP traffic". A
--   host's replies are traffic too: a server's answers go to its clients' ephemeral ports.
-- tags: rca
-- fields: srcaddr, dstaddr, dstport, protocol, packets, bytes, start, end, action
-- param: host cidr; the address or network
-- param: direction enum(from,to) = from; from: traffic the host sent; to: traffic it received
-- param: protocol enum(any,tcp,udp,icmp,icmpv6) = any; only traffic of this protocol
-- param: limit int = 100; how many rows to list
SELECT
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) FILTER (WHERE action = 'ACCEPT') AS accepted,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE {{window}}
  AND CASE WHEN {{param "direction"}} = 'to' THEN {{in_network "host" "dstaddr"}} ELSE {{in_network "host" "srcaddr"}} END
  AND ({{param "protocol"}} = 'any'
    OR protocol = CASE {{param "protocol"}} WHEN 'tcp' THEN 6 WHEN 'udp' THEN 17 WHEN 'icmp' THEN 1 WHEN 'icmpv6' THEN 58 END)
GROUP BY srcaddr, dstaddr, dstport, protocol
ORDER BY bytes DESC, srcaddr, dstaddr, dstport, protocol
LIMIT {{param "limit"}}
