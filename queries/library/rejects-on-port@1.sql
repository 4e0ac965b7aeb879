-- name: rejects-on-port
-- version: 1
-- title: Rejected connections to a port
-- description: Who was refused on one destination port (TCP unless another protocol is
--   given), per destination and interface: rejected records, distinct sources, packets and
--   when. Answers "is the security group or network ACL blocking port N?".
-- tags: rca, security
-- fields: interface-id, srcaddr, dstaddr, dstport, protocol, packets, start, end, action
-- param: port port; the destination port
-- param: protocol protocol = tcp; the IP protocol, by name or number
SELECT
  dstaddr,
  interface_id,
  count(*) AS rejects,
  count(DISTINCT srcaddr) AS sources,
  sum(packets) AS packets,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND dstport = {{param "port"}}
  AND protocol = {{param "protocol"}}
  AND {{window}}
GROUP BY dstaddr, interface_id
ORDER BY rejects DESC, dstaddr, interface_id
