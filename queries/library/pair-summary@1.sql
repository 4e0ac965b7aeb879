-- name: pair-summary
-- version: 1
-- title: Traffic between a client and a server, per direction, interface and action
-- description: The records between A (the client side) and B (the server side) summed per
--   direction, interface, action and protocol, with the ports each side used: what flowq
--   diagnose reads first. a->b is what A sent to B (with port set, to that port of B's), b->a
--   what B sent back (from that port), and a<->b a record that fits both ways when A and B
--   overlap. client_port_min, client_port_max and client_ports are A's ports (the source ports
--   of a->b, the destination ports of b->a: the ephemeral range a network ACL must let the
--   replies reach); server_port_* are B's. With flow-direction (v5) an interface has a row per
--   direction it recorded the traffic in (ingress or egress), with reject-reason (v8) a row per
--   reason (BPA); without them those columns are empty. A Transit Gateway flow log has no
--   interface or action: those columns are empty, and each record is traffic the gateway
--   carried (tgw-lost-flows says what it dropped). Unlike conversation-summary it keeps the
--   interfaces apart and can be narrowed to one port and protocol.
-- tags: rca
-- fields: srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, log-status
-- optional: interface-id, action, flow-direction, reject-reason
-- param: a cidr; the client side: an address or a network
-- param: b cidr; the server side: an address or a network
-- param: port int = -1; B's port (a->b's destination port, b->a's source port); -1 for every port
-- param: protocol enum(any,tcp,udp,icmp,icmpv6) = any; only traffic of this protocol
SELECT
  direction,
  interface_id,
  action,
  flow_direction,
  reject_reason,
  protocol,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  min(client_port) AS client_port_min,
  max(client_port) AS client_port_max,
  count(DISTINCT client_port) AS client_ports,
  min(server_port) AS server_port_min,
  max(server_port) AS server_port_max,
  count(DISTINCT server_port) AS server_ports,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM (
  SELECT
    CASE WHEN a_to_b AND b_to_a THEN 'a<->b' WHEN a_to_b THEN 'a->b' ELSE 'b->a' END AS direction,
    interface_id, action, flow_direction, reject_reason, protocol, packets, bytes, start, "end",
    CASE WHEN a_to_b THEN srcport ELSE dstport END AS client_port,
    CASE WHEN a_to_b THEN dstport ELSE srcport END AS server_port
  FROM (
    SELECT
      {{if has "interface-id"}}interface_id{{else}}TRY_CAST(NULL AS VARCHAR){{end}} AS interface_id,
      {{if has "action"}}action{{else}}TRY_CAST(NULL AS VARCHAR){{end}} AS action,
      {{if has "flow-direction"}}flow_direction{{else}}TRY_CAST(NULL AS VARCHAR){{end}} AS flow_direction,
      {{if has "reject-reason"}}reject_reason{{else}}TRY_CAST(NULL AS VARCHAR){{end}} AS reject_reason,
      srcport, dstport, protocol, packets, bytes, start, "end",
      {{in_network "a" "srcaddr"}} AND {{in_network "b" "dstaddr"}} AS a_to_b,
      {{in_network "b" "srcaddr"}} AND {{in_network "a" "dstaddr"}} AS b_to_a
    FROM {{table}}
    WHERE log_status = 'OK'
      AND {{window}}
      AND ({{param "protocol"}} = 'any'
        OR protocol = CASE {{param "protocol"}} WHEN 'tcp' THEN 6 WHEN 'udp' THEN 17 WHEN 'icmp' THEN 1 WHEN 'icmpv6' THEN 58 END)
  ) r
  WHERE (a_to_b OR b_to_a)
    AND ({{param "port"}} < 0 OR a_to_b AND dstport = {{param "port"}} OR b_to_a AND srcport = {{param "port"}})
) p
GROUP BY direction, interface_id, action, flow_direction, reject_reason, protocol
ORDER BY direction, interface_id NULLS LAST, action NULLS LAST, flow_direction NULLS LAST, reject_reason NULLS LAST, protocol
