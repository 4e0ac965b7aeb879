-- name: admin-port-traffic
-- version: 1
-- title: Traffic to administration ports
-- description: The addresses with the most traffic on administration ports (SSH 22,
--   telnet 23, RDP 3389, VNC 5900, WinRM 5985 and 5986), as the Athena integration's
--   "admin port traffic": per address serving the port, the records both ways, how many
--   clients, packets, bytes, and how many records were accepted and rejected, most bytes
--   first. Accepted traffic from unexpected clients is remote access to review; many
--   rejected records from many clients is the internet knocking.
-- tags: security, compliance
-- fields: srcaddr, dstaddr, srcport, dstport, packets, bytes, start, end, action
-- param: limit int = 10; how many addresses and ports to list
WITH admin AS (
  SELECT
    CASE WHEN dstport IN (22, 23, 3389, 5900, 5985, 5986) THEN dstaddr ELSE srcaddr END AS address,
    CASE WHEN dstport IN (22, 23, 3389, 5900, 5985, 5986) THEN dstport ELSE srcport END AS port,
    CASE WHEN dstport IN (22, 23, 3389, 5900, 5985, 5986) THEN srcaddr ELSE dstaddr END AS client,
    packets,
    bytes,
    action,
    start,
    "end"
  FROM {{table}}
  WHERE (dstport IN (22, 23, 3389, 5900, 5985, 5986) OR srcport IN (22, 23, 3389, 5900, 5985, 5986))
    AND {{window}}
)
SELECT
  address,
  port,
  CASE port WHEN 22 THEN 'ssh' WHEN 23 THEN 'telnet' WHEN 3389 THEN 'rdp' WHEN 5900 THEN 'vnc' ELSE 'winrm' END AS service,
  count(*) AS records,
  count(DISTINCT client) AS clients,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(*) FILTER (WHERE action = 'ACCEPT') AS accepted,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM admin
GROUP BY address, port
ORDER BY bytes DESC, address, port
LIMIT {{param "limit"}}
