-- name: denies-per-day
-- version: 1
-- title: Rejected records per day, account, VPC and interface
-- description: For a compliance report: every interface's rejected records per UTC day (of
--   the record's start), with the account that owns it, packets, bytes, and how many
--   distinct sources and destinations were refused. A day at the window's edge counts only
--   the records inside the window. With vpc-id (version 3 formats) each row names the
--   interface's VPC; without it vpc_id is empty and the interfaces still tell the VPCs apart.
-- tags: compliance
-- fields: account-id, interface-id, srcaddr, dstaddr, packets, bytes, start, end, action
-- optional: vpc-id
-- param: limit int = 10000; the most rows to return
WITH rejected AS (
  SELECT
    start - start % 86400 AS day_start,
    account_id,
    {{if has "vpc-id"}}vpc_id{{else}}CAST(NULL AS VARCHAR) AS vpc_id{{end}},
    interface_id, srcaddr, dstaddr, packets, bytes
  FROM {{table}}
  WHERE action = 'REJECT'
    AND {{window}}
)
SELECT
  {{timestamp "day_start"}} AS day,
  account_id,
  vpc_id,
  interface_id,
  count(*) AS rejects,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(DISTINCT srcaddr) AS sources,
  count(DISTINCT dstaddr) AS destinations
FROM rejected
GROUP BY day_start, account_id, vpc_id, interface_id
ORDER BY day_start, account_id, vpc_id, interface_id
LIMIT {{param "limit"}}
