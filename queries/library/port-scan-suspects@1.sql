-- name: port-scan-suspects
-- version: 1
-- title: Port-scan and sweep suspects
-- description: Sources that tried many destination ports of any host (a port scan) or many
--   destination hosts (a sweep) in the window: a source is listed when it reaches min_ports
--   or min_hosts. An attempt is a record from a source port at or above its destination
--   port (a client's port towards a service), or any record of a protocol without ports
--   (ICMP, GRE…); replies, which run from the service port back to a higher client port,
--   are left out (so is a probe of a port above the scanner's own source port: a scan from
--   port 40000 across every port counts about 40,000). ports and hosts are exact distinct
--   counts over those attempts; rejected
--   is how many attempts a security group or network ACL refused, and accepted_ports how
--   many ports let at least one through (open, or not filtered). Many ports rejected on one
--   host is a port scan; one port on many hosts a sweep, often a worm or a compromised host
--   looking for the next. A proxy or NAT gateway reaches many hosts legitimately.
-- tags: security
-- fields: srcaddr, dstaddr, srcport, dstport, protocol, start, end, action, log-status
-- param: min_ports int = 100; list a source that tried at least this many destination ports
-- param: min_hosts int = 100; or one that tried at least this many destination hosts
-- param: limit int = 100; the most sources to list
WITH attempts AS (
  SELECT srcaddr, dstaddr, dstport, action, start, "end"
  FROM {{table}}
  WHERE log_status = 'OK'
    AND (protocol NOT IN (6, 17) OR srcport >= dstport)
    AND {{window}}
)
SELECT
  srcaddr,
  count(DISTINCT dstport) AS ports,
  count(DISTINCT dstaddr) AS hosts,
  count(*) AS attempts,
  count(*) FILTER (WHERE action = 'REJECT') AS rejected,
  count(DISTINCT CASE WHEN action = 'ACCEPT' THEN dstport END) AS accepted_ports,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM attempts
GROUP BY srcaddr
HAVING count(DISTINCT dstport) >= {{param "min_ports"}} OR count(DISTINCT dstaddr) >= {{param "min_hosts"}}
ORDER BY ports DESC, hosts DESC, srcaddr
LIMIT {{param "limit"}}
