-- name: public-admin-access
-- version: 1
-- title: Admin and database ports reached from public addresses
-- description: Every public address whose connection to an administration or database port
--   was accepted, per source, destination, port and interface: records, packets, bytes and
--   when. Any row is a security group or network ACL that lets the internet reach a port
--   that should only be reached through a VPN, a bastion's narrow rule or Session Manager.
--   The ports (TCP or UDP): 22 ssh, 23 telnet, 135 msrpc, 139 netbios, 445 smb, 1433 mssql,
--   1521 oracle, 2049 nfs, 2375 and 2376 docker, 3306 mysql, 3389 rdp, 5432 postgresql,
--   5900 vnc, 5985 and 5986 winrm, 6379 redis, 9200 elasticsearch, 11211 memcached,
--   27017 mongodb. An address is public unless it lies in one of the networks of the
--   parameters below (private, shared, unique-local and link-local space, and internal):
--   a VPC's IPv6 addresses are global, so pass its IPv6 block as internal to leave its own
--   hosts out. Rejected attempts are not listed (see rejects-on-port).
-- tags: security
-- fields: interface-id, srcaddr, dstaddr, dstport, protocol, packets, bytes, start, end, action
-- param: rfc1918_10 cidr = 10.0.0.0/8; private addresses (RFC 1918), not public
-- param: rfc1918_172 cidr = 172.16.0.0/12; private addresses (RFC 1918), not public
-- param: rfc1918_192 cidr = 192.168.0.0/16; private addresses (RFC 1918), not public
-- param: shared_100 cidr = 100.64.0.0/10; shared address space (RFC 6598, carrier-grade NAT), not public
-- param: unique_local cidr = fc00::/7; IPv6 unique local addresses, not public
-- param: link_local cidr = fe80::/10; IPv6 link-local addresses, not public
-- param: internal cidr = ::/128; addresses of your own that the test counts as public, e.g. the VPC's IPv6 block (the default matches nothing)
-- param: limit int = 1000; the most rows to return
SELECT
  srcaddr,
  dstaddr,
  dstport,
  CASE dstport
    WHEN 22 THEN 'ssh' WHEN 23 THEN 'telnet' WHEN 135 THEN 'msrpc' WHEN 139 THEN 'netbios' WHEN 445 THEN 'smb'
    WHEN 1433 THEN 'mssql' WHEN 1521 THEN 'oracle' WHEN 2049 THEN 'nfs' WHEN 2375 THEN 'docker' WHEN 2376 THEN 'docker'
    WHEN 3306 THEN 'mysql' WHEN 3389 THEN 'rdp' WHEN 5432 THEN 'postgresql' WHEN 5900 THEN 'vnc' WHEN 5985 THEN 'winrm'
    WHEN 5986 THEN 'winrm' WHEN 6379 THEN 'redis' WHEN 9200 THEN 'elasticsearch' WHEN 11211 THEN 'memcached'
    WHEN 27017 THEN 'mongodb'
  END AS service,
  protocol,
  interface_id,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'ACCEPT'
  AND protocol IN (6, 17)
  AND dstport IN (22, 23, 135, 139, 445, 1433, 1521, 2049, 2375, 2376, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 9200, 11211, 27017)
  AND NOT ({{in_network "rfc1918_10" "srcaddr"}} OR {{in_network "rfc1918_172" "srcaddr"}} OR {{in_network "rfc1918_192" "srcaddr"}}
      OR {{in_network "shared_100" "srcaddr"}} OR {{in_network "unique_local" "srcaddr"}} OR {{in_network "link_local" "srcaddr"}}
      OR {{in_network "internal" "srcaddr"}})
  AND {{window}}
GROUP BY srcaddr, dstaddr, dstport, protocol, interface_id
ORDER BY dstaddr, dstport, protocol, srcaddr, interface_id
LIMIT {{param "limit"}}
