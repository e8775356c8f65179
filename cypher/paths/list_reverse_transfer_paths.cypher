// List the paths knowledge took upward from a unit to a target unit, shortest first.
// Which paths count: each hop follows a FLOWS relationship that is upward or horizontal (a
// spoke may pass knowledge to a peer first); no unit is visited twice; at most $maxHops
// hops (1-6). With $knowledge, every hop carries that item and dates never go back in time
// (dates compare at their common precision: '2001' is not before '2001-05').
// params: from: STRING, to: STRING, knowledge: STRING, maxHops: INTEGER, skip: INTEGER, limit: INTEGER
// returns: path
// (:Unit {id: $from})-[:FLOWS {direction: upward|horizontal}*1..6]->(:Unit {id: $to})
MATCH (source:Unit {id: $from})
MATCH (target:Unit {id: $to})
MATCH p = (source)-[:FLOWS*1..6]->(target)
WHERE length(p) <= $maxHops
  AND all(r IN relationships(p) WHERE r.direction IN ['upward', 'horizontal']
          AND ($knowledge IS NULL OR r.knowledge = $knowledge))
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
  AND ($knowledge IS NULL OR all(i IN range(0, length(p) - 2) WHERE
        relationships(p)[i].date IS NULL OR relationships(p)[i + 1].date IS NULL OR
        CASE WHEN size(relationships(p)[i].date) < size(relationships(p)[i + 1].date)
             THEN relationships(p)[i].date <= left(relationships(p)[i + 1].date, size(relationships(p)[i].date))
             ELSE left(relationships(p)[i].date, size(relationships(p)[i + 1].date)) <= relationships(p)[i + 1].date
        END))
WITH p, [n IN nodes(p) | n.id] AS ids
ORDER BY length(p), ids
SKIP $skip
LIMIT $limit
RETURN {units: [n IN nodes(p) | n {.id, .name, .role, .country, .firm}],
        flows: [r IN relationships(p) | r {.id, .direction, .mode, .knowledge, .date, .citation}]
       } AS path
