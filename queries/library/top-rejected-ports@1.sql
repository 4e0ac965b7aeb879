-- name: top-rejected-ports
-- version: 1
-- title: Top rejected destination ports
-- description: The destination addresses and ports with the most rejected records in the
--   window, per protocol: how many records and packets were rejected, how many sources
--   tried, and when. Finer than top-rejected-destinations, one row per service: a scan is
--   many rows of one address with one source each, a service the security group or network
--   ACL does not expose is one row with many sources. For the last hour, give the window
--   (--since 1h). Also answers the Athena integration's "rejected traffic".
-- tags: rca, security
-- fields: srcaddr, dstaddr, dstport, protocol, packets, start, end, action
-- param: limit int = 20; how many destination ports to list
SELECT
  dstaddr,
  dstport,
  protocol,
  count(*) AS rejects,
  count(DISTINCT srcaddr) AS sources,
  sum(packets) AS packets,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND {{window}}
GROUP BY dstaddr, dstport, protocol
ORDER BY rejects DESC, dstaddr, dstport, protocol
LIMIT {{param "limit"}}
