-- name: intermediate-hops
-- version: 1
-- title: Traffic through an intermediate interface (NAT)
-- description: Records whose packet-level addresses (pkt-srcaddr, pkt-dstaddr, v3) differ
--   from srcaddr and dstaddr: traffic that an interface forwarded for others, as a NAT
--   gateway's or a transit gateway's does, or traffic to or from an address that is not the
--   interface's primary one (a secondary address, an EKS pod's). On a NAT gateway's
--   interface the instance's traffic arrives with dstaddr the NAT gateway's private address
--   and pkt_dstaddr the internet host (differs: destination), and the replies leave with
--   srcaddr the NAT gateway and pkt_srcaddr the internet host (differs: source); its own
--   legs to and from the internet host show nowhere here, as their addresses agree. Per
--   interface and the four addresses: records, packets, bytes and when. Which instance
--   talked to which internet host through the NAT gateway is the pair srcaddr (or dstaddr)
--   and pkt_dstaddr (or pkt_srcaddr).
-- tags: rca
-- fields: interface-id, srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr, packets, bytes, start, end, log-status
-- param: limit int = 100; the most rows to return
SELECT
  interface_id,
  CASE
    WHEN pkt_srcaddr <> srcaddr AND pkt_dstaddr <> dstaddr THEN 'both'
    WHEN pkt_srcaddr <> srcaddr THEN 'source'
    ELSE 'destination'
  END AS differs,
  srcaddr,
  pkt_srcaddr,
  dstaddr,
  pkt_dstaddr,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM {{table}}
WHERE log_status = 'OK'
  AND (pkt_srcaddr <> srcaddr OR pkt_dstaddr <> dstaddr)
  AND {{window}}
GROUP BY interface_id, srcaddr, pkt_srcaddr, dstaddr, pkt_dstaddr
ORDER BY bytes DESC, interface_id, srcaddr, pkt_srcaddr, dstaddr, pkt_dstaddr
LIMIT {{param "limit"}}
