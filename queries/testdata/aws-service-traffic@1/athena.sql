WITH service_traffic AS (
  SELECT pkt_dst_aws_service AS service, 'to' AS direction, interface_id, packets, bytes, start, "end"
  FROM flow_logs
  WHERE log_status = 'OK'
    AND pkt_dst_aws_service IS NOT NULL
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
  UNION ALL
  SELECT pkt_src_aws_service AS service, 'from' AS direction, interface_id, packets, bytes, start, "end"
  FROM flow_logs
  WHERE log_status = 'OK'
    AND pkt_src_aws_service IS NOT NULL
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
)
SELECT
  service,
  direction,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  count(DISTINCT interface_id) AS interfaces,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM service_traffic
GROUP BY service, direction
ORDER BY bytes DESC, service, direction
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800
