-- name: return-path-rejects
-- version: 1
-- title: Rejected return traffic
-- description: Replies that were rejected although the connection they answer was
--   accepted: traffic from a service port to a client's ephemeral port, rejected, whose
--   forward flow (the same addresses and ports reversed) was accepted in the window. The
--   usual cause is a stateless network ACL that does not allow the ephemeral port range
--   outbound or inbound; security groups are stateful and never do this.
-- tags: rca, security
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, start, end, action
-- param: ephemeral_from port = 1024; the lowest client port counted as ephemeral
WITH rejected AS (
  SELECT interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, start, "end"
  FROM {{table}}
  WHERE action = 'REJECT'
    AND protocol IN (6, 17)
    AND dstport >= {{param "ephemeral_from"}}
    AND srcport < dstport
    AND {{window}}
), forward AS (
  SELECT DISTINCT srcaddr, dstaddr, srcport, dstport, protocol
  FROM {{table}}
  WHERE action = 'ACCEPT'
    AND {{window}}
)
SELECT
  r.srcaddr AS server,
  r.srcport AS server_port,
  r.dstaddr AS client,
  r.interface_id,
  count(*) AS rejected_replies,
  count(DISTINCT r.dstport) AS client_ports,
  sum(r.packets) AS packets,
  {{timestamp "min(r.start)"}} AS first_seen,
  {{timestamp `max(r."end")`}} AS last_seen
FROM rejected r
JOIN forward f
  ON f.srcaddr = r.dstaddr AND f.dstaddr = r.srcaddr
 AND f.srcport = r.dstport AND f.dstport = r.srcport
 AND f.protocol = r.protocol
GROUP BY r.srcaddr, r.srcport, r.dstaddr, r.interface_id
ORDER BY rejected_replies DESC, server, server_port, client, r.interface_id
