-- name: tcp-resets
-- version: 1
-- title: Who resets TCP connections
-- description: The senders of TCP RSTs (records whose tcp-flags have the RST bit), per
--   sender, role and port: how many connections it reset, to how many peers, in how many
--   records. role says who opened the connection, from its SYN (SYN without ACK) in the
--   window: server (the peer opened it: a server refusing a port nothing listens on, or
--   dropping connections it had accepted), client (the sender opened it and reset it
--   itself: a client giving up, or a half-open scan), unknown (no SYN in the window: a
--   connection opened earlier, reset by either side). port is the server's port: the
--   sender's own for a server, the peer's for a client, and the lower of the two when the
--   role is unknown. A connection is its addresses and ports, counted once however many
--   interfaces recorded it; records counts every record. Connections that never got a
--   SYN-ACK are in unanswered-syns.
-- tags: rca
-- fields: srcaddr, dstaddr, srcport, dstport, protocol, tcp-flags, packets, start, end, log-status
-- param: limit int = 100; the most rows to return
WITH tcp AS (
  SELECT srcaddr, dstaddr, srcport, dstport, tcp_flags, packets, start, "end"
  FROM {{table}}
  WHERE log_status = 'OK'
    AND protocol = 6
    AND tcp_flags IS NOT NULL
    AND {{window}}
), rst AS (
  SELECT
    srcaddr, dstaddr, srcport, dstport,
    count(*) AS records,
    sum(packets) AS packets,
    min(start) AS first_start,
    max("end") AS last_end
  FROM tcp
  WHERE {{bit_and "tcp_flags" 4}} <> 0
  GROUP BY srcaddr, dstaddr, srcport, dstport
), syn AS (
  SELECT DISTINCT srcaddr, dstaddr, srcport, dstport
  FROM tcp
  WHERE {{bit_and "tcp_flags" 18}} = 2
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
  {{timestamp "min(first_start)"}} AS first_seen,
  {{timestamp "max(last_end)"}} AS last_seen
FROM reset
GROUP BY srcaddr, role, CASE role WHEN 'server' THEN srcport WHEN 'client' THEN dstport ELSE CASE WHEN srcport <= dstport THEN srcport ELSE dstport END END
ORDER BY connections DESC, resetter, role, port
LIMIT {{param "limit"}}
