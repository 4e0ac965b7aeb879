-- name: top-talker-pairs
-- version: 1
-- title: Top talker pairs
-- description: The source and destination pairs that moved the most bytes, one row per
--   direction, as the Athena integration's "total bytes transferred" and, with
--   level=packet, its packet-level variant: records, packets and bytes from the source to
--   the destination, most bytes first. A flow between two interfaces of the flow log is
--   counted on each. level=interface reads srcaddr and dstaddr, the addresses of the
--   interface that recorded the traffic (behind a NAT gateway: the instance to the
--   gateway, the gateway to the internet host); level=packet reads the packets' original
--   addresses (pkt-srcaddr, pkt-dstaddr, v3), which pair the instance with the internet
--   host. level says which addresses a result holds: over a table without the
--   packet-level fields it is interface, whatever was asked.
-- tags: rca, cost
-- fields: srcaddr, dstaddr, packets, bytes, start, end, log-status
-- optional: pkt-srcaddr, pkt-dstaddr
-- param: level enum(interface,packet) = interface; interface: srcaddr and dstaddr; packet: pkt-srcaddr and pkt-dstaddr
-- param: limit int = 50; how many pairs to list
WITH r AS (
  SELECT
{{- if and (has "pkt-srcaddr") (has "pkt-dstaddr")}}
    CASE WHEN {{param "level"}} = 'packet' THEN pkt_srcaddr ELSE srcaddr END AS src,
    CASE WHEN {{param "level"}} = 'packet' THEN pkt_dstaddr ELSE dstaddr END AS dst,
    CASE WHEN {{param "level"}} = 'packet' THEN 'packet' ELSE 'interface' END AS level,
{{- else}}
    srcaddr AS src,
    dstaddr AS dst,
    'interface' AS level,
{{- end}}
    packets,
    bytes
  FROM {{table}}
  WHERE log_status = 'OK'
    AND {{window}}
)
SELECT
  src AS srcaddr,
  dst AS dstaddr,
  level,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes
FROM r
GROUP BY src, dst, level
ORDER BY bytes DESC, srcaddr, dstaddr
LIMIT {{param "limit"}}
