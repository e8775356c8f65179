// Which path did knowledge take from a subsidiary up to the HQ capability centre?
// Every route of upward or horizontal flows from the unit to its firm's capability centre
// (or HQ when there is none), shortest first, no unit visited twice, at most 6 hops. Give
// `knowledge` to follow one item (every hop then carries it).
// params: unit: STRING, knowledge: STRING = null, maxHops: INTEGER = 4
// returns: hops, route, flows, knowledge_carried
// (:Unit {id: $unit})-[:FLOWS {direction: upward|horizontal}*1..6]->(:CapabilityCentre | :HQ)
MATCH (source:Unit {id: $unit})-[:PART_OF]->(f:Firm)
OPTIONAL MATCH (f)<-[:PART_OF]-(centre:CapabilityCentre)
OPTIONAL MATCH (f)<-[:PART_OF]-(hq:HQ)
WITH source, collect(centre.id) + collect(hq.id) AS hubs
MATCH (target:Unit {id: hubs[0]})
MATCH p = (source)-[:FLOWS*1..6]->(target)
WHERE length(p) <= $maxHops
  AND all(r IN relationships(p) WHERE r.direction IN ['upward', 'horizontal']
          AND ($knowledge IS NULL OR r.knowledge = $knowledge))
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH p, [n IN nodes(p) | n.id] AS route
RETURN length(p) AS hops, route,
       [r IN relationships(p) | r.id] AS flows,
       [r IN relationships(p) | coalesce(r.knowledge, '')] AS knowledge_carried
ORDER BY hops, route
LIMIT 200
