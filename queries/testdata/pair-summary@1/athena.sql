SELECT
  direction,
  interface_id,
  action,
  flow_direction,
  reject_reason,
  protocol,
  count(*) AS records,
  sum(packets) AS packets,
  sum(bytes) AS bytes,
  min(client_port) AS client_port_min,
  max(client_port) AS client_port_max,
  count(DISTINCT client_port) AS client_ports,
  min(server_port) AS server_port_min,
  max(server_port) AS server_port_max,
  count(DISTINCT server_port) AS server_ports,
  from_unixtime(min(start)) AS first_seen,
  from_unixtime(max("end")) AS last_seen
FROM (
  SELECT
    CASE WHEN a_to_b AND b_to_a THEN 'a<->b' WHEN a_to_b THEN 'a->b' ELSE 'b->a' END AS direction,
    interface_id, action, flow_direction, reject_reason, protocol, packets, bytes, start, "end",
    CASE WHEN a_to_b THEN srcport ELSE dstport END AS client_port,
    CASE WHEN a_to_b THEN dstport ELSE srcport END AS server_port
  FROM (
    SELECT
      interface_id AS interface_id,
      action AS action,
      flow_direction AS flow_direction,
      reject_reason AS reject_reason,
      srcport, dstport, protocol, packets, bytes, start, "end",
      contains('10.0.1.0/24', TRY_CAST(srcaddr AS IPADDRESS)) AND contains('10.0.1.0/24', TRY_CAST(dstaddr AS IPADDRESS)) AS a_to_b,
      contains('10.0.1.0/24', TRY_CAST(srcaddr AS IPADDRESS)) AND contains('10.0.1.0/24', TRY_CAST(dstaddr AS IPADDRESS)) AS b_to_a
    FROM flow_logs
    WHERE log_status = 'OK'
      AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
      AND (? = 'any'
        OR protocol = CASE ? WHEN 'tcp' THEN 6 WHEN 'udp' THEN 17 WHEN 'icmp' THEN 1 WHEN 'icmpv6' THEN 58 END)
  ) r
  WHERE (a_to_b OR b_to_a)
    AND (? < 0 OR a_to_b AND dstport = ? OR b_to_a AND srcport = ?)
) p
GROUP BY direction, interface_id, action, flow_direction, reject_reason, protocol
ORDER BY direction, interface_id NULLS LAST, action NULLS LAST, flow_direction NULLS LAST, reject_reason NULLS LAST, protocol
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 'any', 'any', -1, -1, -1
