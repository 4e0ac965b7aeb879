WITH tcp AS (
  SELECT srcaddr, dstaddr, srcport, dstport, tcp_flags, action, packets, start, "end"
  FROM flow_logs
  WHERE log_status = 'OK'
    AND protocol = 6
    AND tcp_flags IS NOT NULL
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), syn AS (
  SELECT
    srcaddr, dstaddr, srcport, dstport,
    sum(packets) AS packets,
    max(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS rejected,
    min(start) AS first_start,
    max("end") AS last_end
  FROM tcp
  WHERE (tcp_flags & 18) = 2
  GROUP BY srcaddr, dstaddr, srcport, dstport
), back AS (
  SELECT
    srcaddr, dstaddr, srcport, dstport,
    max(CASE WHEN (tcp_flags & 18) = 18 AND action = 'ACCEPT' THEN 1 ELSE 0 END) AS synack,
    max(CASE WHEN (tcp_flags & 18) = 18 AND action = 'REJECT' THEN 1 ELSE 0 END) AS synack_rejected,
    max(CASE WHEN (tcp_flags & 4) <> 0 THEN 1 ELSE 0 END) AS rst
  FROM tcp
  GROUP BY srcaddr, dstaddr, srcport, dstport
), outcome AS (
  SELECT
    s.srcaddr, s.dstaddr, s.dstport, s.packets, s.first_start, s.last_end,
    CASE
      WHEN s.rejected = 1 THEN 'rejected'
      WHEN b.synack_rejected = 1 THEN 'reply rejected'
      WHEN b.synack = 1 THEN 'answered'
      WHEN b.rst = 1 THEN 'refused'
      ELSE 'unanswered'
    END AS outcome
  FROM syn s
  LEFT JOIN back b
    ON b.srcaddr = s.dstaddr AND b.dstaddr = s.srcaddr
   AND b.srcport = s.dstport AND b.dstport = s.srcport
)
SELECT
  srcaddr AS client,
  dstaddr AS server,
  dstport AS port,
  count(*) FILTER (WHERE outcome = 'unanswered') AS unanswered,
  count(*) FILTER (WHERE outcome = 'refused') AS refused,
  count(*) FILTER (WHERE outcome = 'reply rejected') AS reply_rejected,
  count(*) FILTER (WHERE outcome = 'rejected') AS rejected,
  count(*) FILTER (WHERE outcome = 'answered') AS answered,
  coalesce(sum(packets) FILTER (WHERE outcome = 'unanswered'), 0) AS unanswered_syn_packets,
  make_timestamp((min(first_start)) * 1000000) AS first_seen,
  make_timestamp((max(last_end)) * 1000000) AS last_seen
FROM outcome
GROUP BY srcaddr, dstaddr, dstport
HAVING count(*) FILTER (WHERE outcome IN ('unanswered', 'refused', 'reply rejected')) > 0
ORDER BY unanswered DESC, refused DESC, reply_rejected DESC, client, server, port
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 101
