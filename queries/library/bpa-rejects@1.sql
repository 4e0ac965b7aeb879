-- name: bpa-rejects
-- version: 1
-- title: Rejected by VPC Block Public Access
-- description: Traffic that VPC Block Public Access rejected (reject-reason BPA, v8): per
--   interface, source, destination, destination port and protocol, the rejected records,
--   packets and when. BPA blocks traffic between the VPC and the internet through its
--   internet gateways (both ways, or inbound only, as its mode says) whatever the security
--   groups and network ACLs allow, so an instance that "has a public address and the rules
--   allow it" but gets no internet traffic shows here. Rejects for any other reason
--   (security groups, network ACLs) have no reject-reason and are not listed.
-- tags: rca, security, compliance
-- fields: interface-id, srcaddr, dstaddr, dstport, protocol, packets, start, end, action, reject-reason
-- param: limit int = 100; the most rows to return
SELECT
  interface_id,
  srcaddr,
  dstaddr,
  dstport,
  protocol,
  count(*) AS rejects,
  sum(packets) AS packets,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE action = 'REJECT'
  AND reject_reason = 'BPA'
  AND {{window}}
GROUP BY interface_id, srcaddr, dstaddr, dstport, protocol
ORDER BY rejects DESC, interface_id, srcaddr, dstaddr, dstport, protocol
LIMIT {{param "limit"}}
