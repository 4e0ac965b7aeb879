-- name: ip-version-bytes
-- version: 1
-- title: IPv4 and IPv6 traffic
-- description: Records, packets and bytes of IPv4 and of IPv6 traffic in the window, as
--   the Athena integration's "IPv4 traffic" and "IPv6 traffic": how much of the network
--   already runs on IPv6. With the type field (v3) each row is a traffic type as AWS
--   records it, which also tells EFA traffic apart; without it, the address form tells
--   IPv6 (an address with a colon) from IPv4, as it does for a record whose type is empty.
-- tags: rca, cost
-- fields: srcaddr, packets, bytes, start, end, log-status
-- optional: type
SELECT
  {{if has "type"}}coalesce(type, {{end}}CASE WHEN strpos(srcaddr, ':') > 0 THEN 'IPv6' ELSE 'IPv4' END{{if has "type"}}){{end}} AS ip_version,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes
FROM {{table}}
WHERE log_status = 'OK'
  AND {{window}}
GROUP BY 1
ORDER BY 1
