// List a firm's units, each with the units it passes knowledge to upward or sideways: the
// derived SENDS_UP and SENDS_ACROSS pairs (one per ordered pair of units, whatever the
// number of flows). Each link is the string "target>date", the date being that of the
// pair's earliest flow ("target>" when every flow of the pair is undated; ids never hold
// '>'): strings cost the engine and the client far less than a map per link, and this reads
// the firm's whole upward-flow graph, from which the release analysis builds its dominator
// tree. At most $limit units come back, so a caller that gets $limit rows knows the firm
// was cut and refuses to answer from it.
// params: firm: STRING, limit: INTEGER
// returns: unit, role, links
// (:Unit {firm: $firm})-[:SENDS_UP|SENDS_ACROSS]->(:Unit)
MATCH (u:Unit)
WHERE u.firm = $firm
WITH u LIMIT $limit
OPTIONAL MATCH (u)-[s:SENDS_UP|SENDS_ACROSS]->(v)
RETURN u.id AS unit, u.role AS role, collect(v.id + '>' + coalesce(s.first_date, '')) AS links
