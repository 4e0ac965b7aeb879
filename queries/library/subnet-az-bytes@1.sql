-- name: subnet-az-bytes
-- version: 1
-- title: Bytes per Availability Zone and subnet
-- description: What the interfaces of each subnet carried, by Availability Zone (az-id,
--   v4) and subnet (subnet-id, v3): how many interfaces logged, records, packets and
--   bytes, most bytes first. With flow-direction (v5), bytes_out (what the subnet's
--   interfaces sent) and bytes_in (what they received); without it both are empty. An
--   AZ whose subnets carry most of the bytes is where a service's traffic concentrates,
--   and a subnet far from the others on bytes_out is the one to look at for transfer
--   costs. Each interface counts what it logged, so traffic between two interfaces of
--   the data counts in the subnet of each; an empty AZ is traffic of a sublocation
--   (Local Zone, Wavelength, Outpost).
-- tags: cost
-- fields: az-id, subnet-id, interface-id, packets, bytes, start, end, log-status
-- optional: flow-direction
SELECT
  az_id,
  subnet_id,
  count(DISTINCT interface_id) AS interfaces,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
{{- if has "flow-direction"}}
  sum(CASE WHEN flow_direction = 'egress' THEN bytes ELSE 0 END) AS bytes_out,
  sum(CASE WHEN flow_direction = 'ingress' THEN bytes ELSE 0 END) AS bytes_in
{{- else}}
  TRY_CAST(NULL AS BIGINT) AS bytes_out,
  TRY_CAST(NULL AS BIGINT) AS bytes_in
{{- end}}
FROM {{table}}
WHERE log_status = 'OK'
  AND {{window}}
GROUP BY az_id, subnet_id
ORDER BY bytes DESC, az_id NULLS LAST, subnet_id NULLS LAST
