-- name: aws-service-traffic
-- version: 1
-- title: Traffic to and from AWS services
-- description: Bytes per AWS service and direction, from pkt-dst-aws-service and
--   pkt-src-aws-service (v5): to (records whose packet-level destination is in the
--   service's published address ranges) and from (whose packet-level source is). Per
--   service and direction: records, packets, bytes, interfaces and when. The names are
--   AWS's IP-range subsets (S3, DYNAMODB, EC2, AMAZON, …); where ranges overlap, a record
--   shows only one of the names. A record whose both ends are service addresses counts in
--   both directions.
-- tags: rca, cost
-- fields: interface-id, pkt-src-aws-service, pkt-dst-aws-service, packets, bytes, start, end, log-status
WITH service_traffic AS (
  SELECT pkt_dst_aws_service AS service, 'to' AS direction, interface_id, packets, bytes, start, "end"
  FROM {{table}}
  WHERE log_status = 'OK'
    AND pkt_dst_aws_service IS NOT NULL
    AND {{window}}
  UNION ALL
  SELECT pkt_src_aws_service AS service, 'from' AS direction, interface_id, packets, bytes, start, "end"
  FROM {{table}}
  WHERE log_status = 'OK'
    AND pkt_src_aws_service IS NOT NULL
    AND {{window}}
)
SELECT
  service,
  direction,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(DISTINCT interface_id) AS interfaces,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM service_traffic
GROUP BY service, direction
ORDER BY bytes DESC, service, direction
