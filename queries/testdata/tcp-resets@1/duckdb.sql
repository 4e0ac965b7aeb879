WITH tcp AS (
  SELECT srcaddr, dstaddr, srcport, dstport, tcp_flags, packets, start, "end"
  FROM flow_logs
  WHERE log_status = 'OK'
    AND protocol = 6
    AND tcp_flags IS NOT NULL
    AND ((day = ? AND hour BETWEEN ? AND ?) OR (day = ? AND hour BETWEEN ? AND ?)) AND "end" >= ? AND start < ?
), rst AS (
  SELECT
    srcaddr, dstaddr, srcport, dstport,
    count(*) AS records,
    sum(packets) AS packets,
    min(start) AS first_start,
    max("end") AS last_end
  FROM tcp
  WHERE (tcp_flags & 4) <> 0
  GROUP BY srcaddr, dstaddr, srcport, dstport
), syn AS (
  SELECT DISTINCT srcaddr, dstaddr, srcport, dstport
  FROM tcp
  WHERE (tcp_flags & 18) = 2
), reset AS (
  SELECT
    r.*,
    CASE WHEN own.srcaddr IS NOT NULL THEN 'client' WHEN peer.srcaddr IS NOT NULL THEN 'server' ELSE 'unknown' END AS role
  FROM rst r
  LEFT JOIN syn own
    ON own.srcaddr = r.srcaddr AND own.dstaddr = r.dstaddr
   AND own.srcport = r.srcport AND own.dstport = r.dstport
  LEFT JOIN syn peer
    ON peer.srcaddr = r.dstaddr AND peer.dstaddr = r.srcaddr
   AND peer.srcport = r.dstport AND peer.dstport = r.srcport
)
SELECT
  srcaddr AS resetter,
  role,
  CASE role WHEN 'server' THEN srcport WHEN 'client' THEN dstport ELSE CASE WHEN srcport <= dstport THEN srcport ELSE dstport END END AS port,
  count(*) AS connections,
  count(DISTINCT dstaddr) AS peers,
  sum(records) AS records,
  sum(packets) AS packets,
  make_timestamp((min(first_start)) * 1000000) AS first_seen,
  make_timestamp((max(last_end)) * 1000000) AS last_seen
FROM reset
GROUP BY srcaddr, role, CASE role WHEN 'server' THEN srcport WHEN 'client' THEN dstport ELSE CASE WHEN srcport <= dstport THEN srcport ELSE dstport END END
ORDER BY connections DESC, resetter, role, port
LIMIT ?
-- parameters: '2026/01/05', '21', '23', '2026/01/06', '00', '02', 1767650400, 1767664800, 101
