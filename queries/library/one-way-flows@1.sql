-- name: one-way-flows
-- version: 1
-- title: One-way flows
-- description: Accepted traffic that got no answer: flows from a source to a destination
--   port with no record at all of the reverse direction in the window. A client whose
--   connections go unanswered is talking to a dead or filtered service, or the reply takes
--   another path. Replies recorded only on an interface outside the data also show here.
-- tags: rca
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status
-- param: min_records int = 1; only flows with at least this many records
SELECT
  s.srcaddr,
  s.dstaddr,
  s.dstport,
  s.protocol,
  count(*) AS records,
  sum(s.packets) AS packets,
  sum(s.bytes) AS bytes,
  count(DISTINCT s.interface_id) AS interfaces,
  {{timestamp "min(s.start)"}} AS first_seen,
  {{timestamp `max(s."end")`}} AS last_seen
FROM {{table}} s
LEFT JOIN (
  SELECT DISTINCT srcaddr, dstaddr, coalesce(srcport, -1) AS srcport, protocol
  FROM {{table}}
  WHERE log_status = 'OK'
    AND {{window}}
) reply
  ON reply.srcaddr = s.dstaddr AND reply.dstaddr = s.srcaddr
 AND reply.srcport = coalesce(s.dstport, -1) AND reply.protocol = s.protocol
WHERE s.action = 'ACCEPT'
  AND s.log_status = 'OK'
  AND {{window}}
  AND reply.srcaddr IS NULL
GROUP BY s.srcaddr, s.dstaddr, s.dstport, s.protocol
HAVING count(*) >= {{param "min_records"}}
ORDER BY packets DESC, s.srcaddr, s.dstaddr, s.dstport
