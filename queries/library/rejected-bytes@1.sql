-- name: rejected-bytes
-- version: 1
-- title: Rejected bytes per source, destination and port
-- description: What was refused, by volume: per source, destination, destination port
--   and protocol, the bytes, packets and records rejected, most bytes first. Probes and
--   scans are many small rows; a large row is a client that keeps sending real traffic
--   into a rule that refuses it (a deployment pointed at the wrong port, a security group
--   missing a rule). For a day, give the window (--since 1d).
-- tags: rca, security
-- fields: srcaddr, dstaddr, dstport, protocol, packets, bytes, start, end, action
-- param: limit int = 100; how many rows to list
SELECT
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS rejects,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND {{window}}
GROUP BY srcaddr, dstaddr, dstport, protocol
ORDER BY bytes DESC, srcaddr, dstaddr, dstport, protocol
LIMIT {{param "limit"}}
