// List, for each ordered pair of a firm's units, the support given one way and returned.
// params: firm: STRING
// returns: pair: SupportPair
// (:Unit)-[:SUPPORTED]->(:Unit)
MATCH (a:Unit)-[s:SUPPORTED]->(b:Unit)
WHERE s.firm = $firm
WITH a, b, collect(s {.id, .project, .description, .date, .citation, .assumption}) AS given
OPTIONAL MATCH (b)-[back:SUPPORTED]->(a)
WITH a, b, given, count(back) AS returned
RETURN {source: a {.id, .name, .role, .country, .firm}, target: b {.id, .name, .role, .country, .firm},
        given: size(given), returned: returned, support: given} AS pair
ORDER BY pair.source.id, pair.target.id
