-- name: ssh-rdp-traffic
-- version: 1
-- title: SSH and RDP traffic
-- description: Every SSH (port 22) and RDP (port 3389) record, both ways, in time order:
--   who opened remote sessions to what, when, and whether they were let in. service is
--   ssh or rdp; the client's records have the port as dstport, the server's answers as
--   srcport. admin-port-traffic sums these and other administration ports per server.
-- tags: security, compliance
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action
-- param: limit int = 1000; the most records to return
SELECT
  {{timestamp "start"}} AS start_time,
  {{timestamp `"end"`}} AS end_time,
  CASE WHEN dstport = 22 THEN 'ssh' WHEN dstport = 3389 THEN 'rdp' WHEN srcport = 22 THEN 'ssh' ELSE 'rdp' END AS service,
  interface_id,
  srcaddr,
  srcport,
  dstaddr,
  dstport,
  protocol,
  packets,
  bytes,
  action
FROM {{table}}
WHERE (dstport IN (22, 3389) OR srcport IN (22, 3389))
  AND {{window}}
ORDER BY start, "end", interface_id, srcaddr, srcport, dstaddr, dstport, protocol, action, packets, bytes
LIMIT {{param "limit"}}
