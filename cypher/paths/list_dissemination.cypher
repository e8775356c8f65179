// List the units a unit's knowledge reached downward and sideways, each at its shortest
// distance with one shortest route. Which paths count: FLOWS hops that are downward or
// horizontal, no unit visited twice, at most $maxHops hops (1-6); with $knowledge, every
// hop carries that item.
// params: from: STRING, knowledge: STRING, maxHops: INTEGER, limit: INTEGER
// returns: reach
// (:Unit {id: $from})-[:FLOWS {direction: downward|horizontal}*1..6]->(:Unit)
MATCH p = (:Unit {id: $from})-[:FLOWS*1..6]->(reached:Unit)
WHERE length(p) <= $maxHops
  AND reached.id <> $from
  AND all(r IN relationships(p) WHERE r.direction IN ['downward', 'horizontal']
          AND ($knowledge IS NULL OR r.knowledge = $knowledge))
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH reached, p, [n IN nodes(p) | n.id] AS ids
ORDER BY length(p), ids
WITH reached, collect(p)[0] AS shortest
RETURN {unit: reached {.id, .name, .role, .country, .firm},
        distance: length(shortest),
        units: [n IN nodes(shortest) | n {.id, .name, .role, .country, .firm}],
        flows: [r IN relationships(shortest) | r {.id, .direction, .mode, .knowledge, .date, .citation}]
       } AS reach
ORDER BY reach.distance, reach.unit.id
LIMIT $limit
