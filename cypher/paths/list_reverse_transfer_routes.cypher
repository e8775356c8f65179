// List the routes of $minHops to $maxHops hops (1-6) that knowledge can take upward from a
// unit to a target unit, by the units' ids, shortest first, then by the units' ids. A route
// is a sequence of distinct units in which each unit passed at least one upward or
// horizontal flow to the next. Routes walk the derived SENDS_UP and SENDS_ACROSS
// relationships (one per pair of units and direction), so many flows between two units make
// one hop, not many routes; each hop shows the earliest such flow. The service asks for the
// common lengths (up to 4) at once and longer ones one length at a time, so a page of short
// routes never pays for walking the 5- and 6-hop ones. The walk's literal bound is
// $maxHops, one branch per value (an exact `*k..k` bound loses paths on the engine when
// both ends are known, so each branch is `*1..k` and shorter routes are filtered out), and
// it stops after $cap paths. The walk comes back in no particular order, so a walk cut at
// the cap may have missed shorter routes: the one row returned says whether it was cut,
// and the service refuses to rank such a walk rather than answer wrongly. With $asOf (a
// partial date; null for no date) a route counts only when every hop's earliest flow is
// dated on or before it (at the coarser precision), and `undated` counts the routes left out
// for a hop with no dated flow.
// params: from: STRING, to: STRING, minHops: INTEGER, maxHops: INTEGER, cap: INTEGER, limit: INTEGER, asOf: STRING
// returns: walk: Route
// (:Unit {id: $from})-[:SENDS_UP|SENDS_ACROSS*1..6]->(:Unit {id: $to})
MATCH (source:Unit {id: $from})
MATCH (target:Unit {id: $to})
CALL {
  WITH source, target
  WITH source, target WHERE $maxHops = 1
  MATCH p = (source)-[:SENDS_UP|SENDS_ACROSS*1..1]->(target)
  RETURN p
  UNION ALL
  WITH source, target
  WITH source, target WHERE $maxHops = 2
  MATCH p = (source)-[:SENDS_UP|SENDS_ACROSS*1..2]->(target)
  RETURN p
  UNION ALL
  WITH source, target
  WITH source, target WHERE $maxHops = 3
  MATCH p = (source)-[:SENDS_UP|SENDS_ACROSS*1..3]->(target)
  RETURN p
  UNION ALL
  WITH source, target
  WITH source, target WHERE $maxHops = 4
  MATCH p = (source)-[:SENDS_UP|SENDS_ACROSS*1..4]->(target)
  RETURN p
  UNION ALL
  WITH source, target
  WITH source, target WHERE $maxHops = 5
  MATCH p = (source)-[:SENDS_UP|SENDS_ACROSS*1..5]->(target)
  RETURN p
  UNION ALL
  WITH source, target
  WITH source, target WHERE $maxHops = 6
  MATCH p = (source)-[:SENDS_UP|SENDS_ACROSS*1..6]->(target)
  RETURN p
}
WITH p LIMIT $cap
WITH collect(p) AS walked
CALL {
  WITH walked
  UNWIND walked AS p
  WITH p
  WHERE length(p) >= $minHops
    AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
    AND ($asOf IS NULL OR all(r IN relationships(p) WHERE r.first_date IS NOT NULL AND
           left(coalesce(r.first_date, ''), size(coalesce($asOf, '')))
             <= left(coalesce($asOf, ''), size(coalesce(r.first_date, '')))))
  WITH p, [n IN nodes(p) | n.id] AS ids, [r IN relationships(p) | r.first_flow] AS flowIds
  ORDER BY ids, flowIds
  WITH ids, collect(p)[0] AS p
  ORDER BY size(ids), ids
  LIMIT $limit
  RETURN collect({units: [n IN nodes(p) | n {.id, .name, .role, .country, .firm}],
                  flows: [r IN relationships(p) | {id: r.first_flow, direction: r.direction,
                           mode: r.first_mode, knowledge: r.first_knowledge,
                           date: r.first_date, citation: r.first_citation,
                           assumption: r.first_assumption,
                           recorded_at: r.first_recorded_at,
                           source: startNode(r).id, target: endNode(r).id}]}) AS paths
}
CALL {
  WITH walked
  UNWIND walked AS p
  WITH p
  WHERE $asOf IS NOT NULL AND length(p) >= $minHops
    AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
    AND any(r IN relationships(p) WHERE r.first_date IS NULL)
  RETURN count(p) AS undated
}
RETURN {capped: size(walked) >= $cap, paths: paths, undated: undated} AS walk
