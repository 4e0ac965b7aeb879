-- name: top-talkers
-- version: 1
-- title: Top talkers
-- description: The addresses with the most traffic, sent and received, as the Athena
--   integration's "top talkers" and, with level=packet, "top talkers (packet level)": per
--   address, bytes in all, sent and received, and packets, most bytes first. A flow
--   between two interfaces of the flow log is counted on each. level=interface reads
--   srcaddr and dstaddr, the addresses of the interface that recorded the traffic, so a
--   NAT gateway's own address talks for every instance behind it; level=packet reads the
--   packets' original addresses (pkt-srcaddr, pkt-dstaddr, v3), which name the instance
--   behind a NAT gateway and the internet host beyond it, and an EKS pod rather than its
--   node. level says which addresses a result holds: over a table without the
--   packet-level fields it is interface, whatever was asked.
-- tags: rca, cost
-- fields: srcaddr, dstaddr, packets, bytes, start, end, log-status
-- optional: pkt-srcaddr, pkt-dstaddr
-- param: level enum(interface,packet) = interface; interface: srcaddr and dstaddr; packet: pkt-srcaddr and pkt-dstaddr
-- param: limit int = 50; how many addresses to list
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
), sides AS (
  SELECT src AS address, level, bytes AS bytes_sent, 0 AS bytes_received, packets FROM r
  UNION ALL
  SELECT dst AS address, level, 0 AS bytes_sent, bytes AS bytes_received, packets FROM r
)
SELECT
  address,
  level,
  sum(bytes_sent) + sum(bytes_received) AS bytes,
  sum(bytes_sent) AS bytes_sent,
  sum(bytes_received) AS bytes_received,
  sum(packets) AS packets
FROM sides
WHERE address IS NOT NULL
GROUP BY address, level
ORDER BY bytes DESC, address
LIMIT {{param "limit"}}
