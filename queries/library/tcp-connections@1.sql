-- name: tcp-connections
-- version: 1
-- title: Accepted or rejected TCP traffic per destination port
-- description: TCP traffic the security groups and network ACLs accepted (action=ACCEPT,
--   the default) or rejected (action=REJECT), per destination address and port: records,
--   sources, packets, bytes and when, most records first. The Athena integration's
--   "accepted TCP traffic" and "rejected TCP traffic". Replies are records too, to the
--   client's port: rows whose port is a client's ephemeral one are the answers of a
--   service. With tcp-flags (v3), connections counts the records that open a connection
--   (SYN without ACK): a service's row has them and a client's reply port has none; among
--   rejects, connections are refused attempts and the other records packets that came
--   after their connection was closed. Without tcp-flags, connections is empty.
-- tags: rca, security
-- fields: srcaddr, dstaddr, dstport, protocol, packets, bytes, start, end, action
-- optional: tcp-flags
-- param: action enum(ACCEPT,REJECT) = ACCEPT; the records to count: ACCEPT or REJECT
-- param: limit int = 100; how many destination ports to list
SELECT
  dstaddr,
  dstport,
  count(*) AS records,
  {{if has "tcp-flags"}}count(*) FILTER (WHERE {{bit_and "tcp_flags" 2}} <> 0 AND {{bit_and "tcp_flags" 16}} = 0){{else}}TRY_CAST(NULL AS BIGINT){{end}} AS connections,
  count(DISTINCT srcaddr) AS sources,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE protocol = 6
  AND action = {{param "action"}}
  AND {{window}}
GROUP BY dstaddr, dstport
ORDER BY records DESC, dstaddr, dstport
LIMIT {{param "limit"}}
