-- name: deny-export
-- version: 1
-- title: Every rejected record, for export
-- description: Evidence for an audit: every rejected record of the window, one row each, in a
--   total order (by start, end, then every other column), so the same window always gives
--   the same rows in the same order, whichever engine runs it. Each row has the record's
--   times, account, interface, addresses, ports, protocol, packets and bytes. Fields of newer
--   formats fill more columns when the flow log has them, and are empty otherwise: vpc-id,
--   subnet-id, instance-id and az-id say where the interface is; tcp-flags tells a SYN
--   probe from a packet of an established connection; pkt-srcaddr and pkt-dstaddr are the
--   addresses before a NAT gateway or load balancer rewrote them; flow-direction and
--   traffic-path say which way it went and through what; reject-reason says BPA when VPC
--   Block Public Access rejected it. The limit is large; a result it cuts says so, and a
--   narrower window gives the rest.
-- tags: compliance
-- fields: account-id, interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status
-- optional: vpc-id, subnet-id, instance-id, az-id, tcp-flags, pkt-srcaddr, pkt-dstaddr, flow-direction, traffic-path, reject-reason
-- param: limit int = 100000; the most records to return
SELECT
  {{timestamp "start"}} AS start_time,
  {{timestamp `"end"`}} AS end_time,
  account_id,
  {{if has "vpc-id"}}vpc_id{{else}}CAST(NULL AS VARCHAR) AS vpc_id{{end}},
  {{if has "subnet-id"}}subnet_id{{else}}CAST(NULL AS VARCHAR) AS subnet_id{{end}},
  {{if has "az-id"}}az_id{{else}}CAST(NULL AS VARCHAR) AS az_id{{end}},
  {{if has "instance-id"}}instance_id{{else}}CAST(NULL AS VARCHAR) AS instance_id{{end}},
  interface_id,
  {{if has "flow-direction"}}flow_direction{{else}}CAST(NULL AS VARCHAR) AS flow_direction{{end}},
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  {{if has "pkt-srcaddr"}}pkt_srcaddr{{else}}CAST(NULL AS VARCHAR) AS pkt_srcaddr{{end}},
  {{if has "pkt-dstaddr"}}pkt_dstaddr{{else}}CAST(NULL AS VARCHAR) AS pkt_dstaddr{{end}},
  protocol,
  {{if has "tcp-flags"}}tcp_flags{{else}}CAST(NULL AS INTEGER) AS tcp_flags{{end}},
  packets,
  bytes,
  {{if has "traffic-path"}}traffic_path{{else}}CAST(NULL AS INTEGER) AS traffic_path{{end}},
  action,
  {{if has "reject-reason"}}reject_reason{{else}}CAST(NULL AS VARCHAR) AS reject_reason{{end}},
  log_status
FROM {{table}}
WHERE action = 'REJECT'
  AND {{window}}
ORDER BY start, "end", account_id, interface_id, srcaddr, srcport, dstaddr, dstport, protocol, packets, bytes,
  vpc_id, subnet_id, az_id, instance_id, flow_direction, pkt_srcaddr, pkt_dstaddr, tcp_flags, traffic_path, reject_reason, log_status
LIMIT {{param "limit"}}
