-- name: unanswered-syns
-- version: 1
-- title: Connections that got no SYN-ACK
-- description: TCP connections that failed to open, per client, server and port, told apart
--   by tcp-flags: unanswered (the client's SYN, and no SYN-ACK nor RST back: a silent
--   timeout, the packets dropped on the way or by a firewall that does not answer), refused
--   (a RST came back instead of a SYN-ACK: the host is up and nothing listens on the port),
--   reply_rejected (the SYN-ACK was recorded but rejected on its way back, a stateless network
--   ACL) and rejected (a record of the SYN itself was rejected in this VPC). answered counts
--   the connections that did get a SYN-ACK. A connection is a client port's SYN (SYN without
--   ACK) and is counted once however many interfaces recorded it; unanswered_syn_packets
--   adds up the packets of every record of the unanswered SYNs (retransmitted SYNs make it
--   more than one a connection). Only rows with a connection unanswered, refused or with its
--   reply rejected are listed. A SYN-ACK outside the window, or one recorded only by
--   interfaces outside the data, reads as unanswered. Who sent the RSTs: tcp-resets.
-- tags: rca
-- fields: srcaddr, dstaddr, srcport, dstport, protocol, tcp-flags, packets, start, end, action, log-status
-- param: limit int = 100; the most rows to return
WITH tcp AS (
  SELECT srcaddr, dstaddr, srcport, dstport, tcp_flags, action, packets, start, "end"
  FROM {{table}}
  WHERE log_status = 'OK'
    AND protocol = 6
    AND tcp_flags IS NOT NULL
    AND {{window}}
), syn AS (
  SELECT
    srcaddr, dstaddr, srcport, dstport,
    sum(packets) AS packets,
    max(CASE WHEN action = 'REJECT' THEN 1 ELSE 0 END) AS rejected,
    min(start) AS first_start,
    max("end") AS last_end
  FROM tcp
  WHERE {{bit_and "tcp_flags" 18}} = 2
  GROUP BY srcaddr, dstaddr, srcport, dstport
), back AS (
  SELECT
    srcaddr, dstaddr, srcport, dstport,
    max(CASE WHEN {{bit_and "tcp_flags" 18}} = 18 AND action = 'ACCEPT' THEN 1 ELSE 0 END) AS synack,
    max(CASE WHEN {{bit_and "tcp_flags" 18}} = 18 AND action = 'REJECT' THEN 1 ELSE 0 END) AS synack_rejected,
    max(CASE WHEN {{bit_and "tcp_flags" 4}} <> 0 THEN 1 ELSE 0 END) AS rst
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
  {{timestamp "min(first_start)"}} AS first_seen,
  {{timestamp "max(last_end)"}} AS last_seen
FROM outcome
GROUP BY srcaddr, dstaddr, dstport
HAVING count(*) FILTER (WHERE outcome IN ('unanswered', 'refused', 'reply rejected')) > 0
ORDER BY unanswered DESC, refused DESC, reply_rejected DESC, client, server, port
LIMIT {{param "limit"}}
