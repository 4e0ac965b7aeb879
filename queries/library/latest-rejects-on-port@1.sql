-- name: latest-rejects-on-port
-- version: 1
-- title: Latest rejected records to a port
-- description: The most recent rejected records to one destination port (TCP unless
--   another protocol is given), newest first: who was just refused, from which port, on
--   which interface. rejects-on-port sums the same records per destination; this lists
--   them, to see whether a refusal is still happening and who is behind it.
-- tags: rca, security
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action
-- param: port port; the destination port
-- param: protocol protocol = tcp; the IP protocol, by name or number
-- param: limit int = 100; the most records to return
SELECT
  {{timestamp "start"}} AS start_time,
  {{timestamp `"end"`}} AS end_time,
  interface_id,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  protocol,
  packets,
  bytes
FROM {{table}}
WHERE action = 'REJECT'
  AND dstport = {{param "port"}}
  AND protocol = {{param "protocol"}}
  AND {{window}}
ORDER BY start DESC, "end" DESC, interface_id, srcaddr, srcport, dstaddr, packets, bytes
LIMIT {{param "limit"}}
