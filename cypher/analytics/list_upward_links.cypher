// List a firm's units, each with the units it passes knowledge to upward or sideways: the
// derived SENDS_UP and SENDS_ACROSS pairs (one per ordered pair of units, whatever the
// number of flows), each with the date of the pair's earliest flow (null when every flow of
// the pair is undated). This is the whole upward-flow graph of the firm in one read; the
// release analysis builds its dominator tree from it. At most $limit units come back, so
// a caller that gets $limit rows knows the firm was cut and refuses to answer from it.
// params: firm: STRING, limit: INTEGER
// returns: unit
// (:Unit {firm: $firm})-[:SENDS_UP|SENDS_ACROSS]->(:Unit)
MATCH (u:Unit)
WHERE u.firm = $firm
WITH u LIMIT $limit
OPTIONAL MATCH (u)-[s:SENDS_UP|SENDS_ACROSS]->(v:Unit)
WITH u, collect({to: v.id, date: s.first_date}) AS links
RETURN {id: u.id, role: u.role, links: [link IN links WHERE link.to IS NOT NULL]} AS unit
