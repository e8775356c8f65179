// Which path did knowledge take from a subsidiary up to the HQ capability centre?
// Every route of upward or horizontal flows from the unit to its firm's capability centre
// (or HQ when there is none), shortest first, no unit visited twice, at most 6 hops. Without
// `knowledge`, a route is a chain of units, each having passed the next at least one such
// flow, shown with the earliest flow of each hop; with `knowledge`, every hop is a flow
// carrying the item. The walk stops after 20,000 paths.
// params: unit: STRING, knowledge: STRING = null, maxHops: INTEGER = 4, rowLimit: INTEGER
// returns: hops, route, flows, knowledge_carried, citation, assumption
// (:Unit {id: $unit})-[:SENDS_UP|SENDS_ACROSS*1..6]->(:CapabilityCentre | :HQ)
// (:Unit {id: $unit})-[:FLOWS {knowledge: $knowledge}*1..6]->(:CapabilityCentre | :HQ)
MATCH (source:Unit {id: $unit})
OPTIONAL MATCH (centre:CapabilityCentre)
WHERE centre.firm = source.firm
OPTIONAL MATCH (hq:HQ)
WHERE hq.firm = source.firm
WITH source, centre, hq ORDER BY centre.id
WITH source, collect(centre.id) + collect(hq.id) AS hubs
MATCH (target:Unit {id: hubs[0]})
// The literal bound follows maxHops, so a short walk never pays for long routes: each walk
// starts from a unit that is null unless it is the walk asked for, so only that one runs.
WITH target,
     CASE WHEN $knowledge IS NULL AND $maxHops <= 4 THEN source END AS near,
     CASE WHEN $knowledge IS NULL AND $maxHops > 4 THEN source END AS far,
     CASE WHEN $knowledge IS NOT NULL THEN source END AS carrier
OPTIONAL MATCH nearPath = (near)-[:SENDS_UP|SENDS_ACROSS*1..4]->(target)
OPTIONAL MATCH farPath = (far)-[:SENDS_UP|SENDS_ACROSS*1..6]->(target)
OPTIONAL MATCH itemPath = (carrier)-[:FLOWS*1..6 {knowledge: $knowledge}]->(target)
WITH coalesce(nearPath, farPath, itemPath) AS p
WHERE p IS NOT NULL
WITH p LIMIT 20000
WITH p
WHERE length(p) <= $maxHops
  // SENDS_UP and SENDS_ACROSS are upward and horizontal by their type.
  AND all(r IN relationships(p) WHERE type(r) <> 'FLOWS'
          OR r.direction IN ['upward', 'horizontal'])
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
WITH p, [n IN nodes(p) | n.id] AS route
RETURN length(p) AS hops, route,
       [r IN relationships(p) | coalesce(r.id, r.first_flow)] AS flows,
       [r IN relationships(p) | coalesce(r.knowledge, r.first_knowledge, '')] AS knowledge_carried,
       [r IN relationships(p) | coalesce(r.citation, r.first_citation)] AS citation,
       [r IN relationships(p) | coalesce(r.assumption, r.first_assumption, '')] AS assumption
ORDER BY hops, route
LIMIT $rowLimit
