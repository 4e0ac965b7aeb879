-- name: off-hours-traffic
-- version: 1
-- title: Traffic outside business hours
-- description: The traffic of a network (an address or a CIDR, as source or destination)
--   whose records start outside business hours, from_hour to to_hour UTC (whole hours; the
--   hours wrap past midnight when to_hour is below from_hour, so 22 to 6 is a night shift).
--   One row per interface, source, destination, service port, protocol and action, in
--   order of first record: records, packets, bytes and when. service_port is the lower of
--   the two ports, the server's for TCP and UDP (0 for protocols without ports), so a
--   connection and its replies show the same port. Who reached the database at 3 a.m., and
--   what did it send out then?
-- tags: security
-- fields: interface-id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log-status
-- param: network cidr; the addresses to audit: records with their source or destination in it
-- param: from_hour int(0..23) = 8; business hours begin at this UTC hour (0-23)
-- param: to_hour int(1..24) = 18; and end at this UTC hour (1-24, not included)
-- param: limit int = 1000; the most rows to return
WITH r AS (
  SELECT
    interface_id, srcaddr, dstaddr, protocol, action, packets, bytes, start, "end",
    CASE WHEN srcport < dstport THEN srcport ELSE dstport END AS service_port,
    start % 86400 AS second_of_day
  FROM {{table}}
  WHERE log_status = 'OK'
    AND ({{in_network "network" "srcaddr"}} OR {{in_network "network" "dstaddr"}})
    AND {{window}}
)
SELECT
  interface_id,
  srcaddr,
  dstaddr,
  service_port,
  protocol,
  action,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM r
WHERE NOT (CASE
    WHEN {{param "from_hour"}} <= {{param "to_hour"}}
      THEN second_of_day >= {{param "from_hour"}} * 3600 AND second_of_day < {{param "to_hour"}} * 3600
    ELSE second_of_day >= {{param "from_hour"}} * 3600 OR second_of_day < {{param "to_hour"}} * 3600
  END)
GROUP BY interface_id, srcaddr, dstaddr, service_port, protocol, action
ORDER BY first_seen, interface_id, srcaddr, dstaddr, service_port, protocol, action
LIMIT {{param "limit"}}
