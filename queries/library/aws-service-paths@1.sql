-- name: aws-service-paths
-- version: 1
-- title: Bytes to and from AWS services, by path
-- description: How traffic reaches AWS services, the question behind a NAT gateway's
--   data-processing charges: per service (pkt-dst-aws-service and pkt-src-aws-service,
--   v5: S3, DYNAMODB, EC2, API_GATEWAY, …), direction and traffic-path, the bytes,
--   packets and records, how many local addresses (the sender's interface to a service,
--   the receiver's from one), and when. "to" rows are the egress records an interface
--   sent towards a service, by path: 7 (or 2) through a gateway endpoint, which costs
--   nothing; 8 out of an internet gateway; 1 to a resource inside the VPC, such as a NAT
--   gateway, whose own egress then shows as a row of its own. S3 or DynamoDB traffic on a
--   path other than a gateway endpoint is the one to move. "from" rows are the ingress
--   records of what came back; AWS records no path for ingress. Each interface that
--   logged a flow counts it, so traffic through a NAT gateway counts on both the
--   instance's and the gateway's interface. Only accepted records count. Traffic to an
--   interface endpoint goes to private addresses and names no service.
-- tags: cost
-- fields: pkt-src-aws-service, pkt-dst-aws-service, flow-direction, traffic-path, srcaddr, dstaddr, packets, bytes, start, end, action, log-status
WITH service_traffic AS (
  SELECT
    CASE WHEN flow_direction = 'egress' THEN pkt_dst_aws_service ELSE pkt_src_aws_service END AS service,
    CASE WHEN flow_direction = 'egress' THEN 'to' ELSE 'from' END AS direction,
    CASE WHEN flow_direction = 'egress' THEN traffic_path END AS path,
    CASE WHEN flow_direction = 'egress' THEN srcaddr ELSE dstaddr END AS host,
    packets, bytes, start, "end"
  FROM {{table}}
  WHERE log_status = 'OK'
    AND action = 'ACCEPT'
    AND {{window}}
    AND ((flow_direction = 'egress' AND pkt_dst_aws_service IS NOT NULL)
      OR (flow_direction = 'ingress' AND pkt_src_aws_service IS NOT NULL))
)
SELECT
  service,
  direction,
  path,
  CASE
    WHEN direction = 'from' THEN NULL
    WHEN path IS NULL THEN 'no path recorded'
    WHEN path = 1 THEN 'inside the VPC (a NAT gateway, an interface or another resource)'
    WHEN path = 2 THEN 'internet gateway or gateway VPC endpoint'
    WHEN path = 3 THEN 'virtual private gateway'
    WHEN path = 4 THEN 'intra-Region VPC peering'
    WHEN path = 5 THEN 'inter-Region VPC peering'
    WHEN path = 6 THEN 'local gateway'
    WHEN path = 7 THEN 'gateway VPC endpoint'
    WHEN path = 8 THEN 'internet gateway'
    ELSE 'unknown path'
  END AS via,
  sum(bytes) AS bytes,
  sum(packets) AS packets,
  count(*) AS records,
  count(DISTINCT host) AS hosts,
  {{timestamp "min(start)"}} AS first_seen,
  {{timestamp `max("end")`}} AS last_seen
FROM service_traffic
GROUP BY service, direction, path
ORDER BY bytes DESC, service, direction, path NULLS LAST
