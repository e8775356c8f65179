// List the routes of $minHops to $maxHops hops (1-6) that knowledge can take upward from a
// unit to a target unit, by the units' ids, shortest first, then by the units' ids. A route
// is a sequence of distinct units in which each unit passed at least one upward or
// horizontal flow to the next. Routes walk the derived SENDS_UP and SENDS_ACROSS
// relationships (one per pair of units and direction), so many flows between two units make
// one hop, not many routes; each hop shows the earliest such flow. The service asks for the
// common lengths (up to 4) at once and longer ones one length at a time, so a page of short
// routes never pays for walking the 5- and 6-hop ones. The walk's literal bound is
// $maxHops: one OPTIONAL MATCH per value, each starting from a unit that is null unless its
// bound is the one asked for, so only that one walks (a predicate on $maxHops alone would be
// checked after the walk on the embedded engine). An exact `*k..k` bound loses paths on the
// engine when both ends are known, so each branch is `*1..k` and shorter routes are
// filtered out. The walk stops after $cap paths. The walk comes back in no particular order, so a walk cut at
// the cap may have missed shorter routes: the one row returned says whether it was cut,
// and the service refuses to rank such a walk rather than answer wrongly. With $asOf (a
// partial date; null for no date) a route counts only when every hop's earliest flow is
// dated on or before it (at the coarser precision), and `undated` counts the routes left out
// for a hop with no dated flow.
// params: from: STRING, to: STRING, minHops: INTEGER, maxHops: INTEGER, cap: INTEGER, limit: INTEGER, asOf: STRING
// returns: walk: Route
// (:Unit {id: $from})-[:SENDS_UP|SENDS_ACROSS*1..6]->(:Unit {id: $to}),
// (:Unit:CapabilityCentre {firm}), (:Unit:HQ {firm})
// The ends are found first, as get_reverse_transfer_ends finds them: the target is $to, or
// without it the source firm's HQ capability centre (its HQ when it has none); `ends` says
// which exist, so the walk needs no round trip before it.
OPTIONAL MATCH (source:Unit {id: $from})
OPTIONAL MATCH (named:Unit {id: coalesce($to, '')})
OPTIONAL MATCH (centre:CapabilityCentre)
WHERE $to IS NULL AND centre.firm = source.firm
OPTIONAL MATCH (hq:HQ)
WHERE $to IS NULL AND hq.firm = source.firm
WITH source, named, centre, hq ORDER BY centre.id
WITH source, named, collect(centre)[0] AS centre, collect(hq)[0] AS hq
WITH source, CASE WHEN $to IS NULL THEN coalesce(centre, hq) ELSE named END AS target,
     named
WITH {source: source.id, named: named.id, target: target.id} AS ends, target,
     CASE WHEN $maxHops = 1 THEN source END AS from1,
     CASE WHEN $maxHops = 2 THEN source END AS from2,
     CASE WHEN $maxHops = 3 THEN source END AS from3,
     CASE WHEN $maxHops = 4 THEN source END AS from4,
     CASE WHEN $maxHops = 5 THEN source END AS from5,
     CASE WHEN $maxHops = 6 THEN source END AS from6
OPTIONAL MATCH p1 = (from1)-[:SENDS_UP|SENDS_ACROSS*1..1]->(target)
OPTIONAL MATCH p2 = (from2)-[:SENDS_UP|SENDS_ACROSS*1..2]->(target)
OPTIONAL MATCH p3 = (from3)-[:SENDS_UP|SENDS_ACROSS*1..3]->(target)
OPTIONAL MATCH p4 = (from4)-[:SENDS_UP|SENDS_ACROSS*1..4]->(target)
OPTIONAL MATCH p5 = (from5)-[:SENDS_UP|SENDS_ACROSS*1..5]->(target)
OPTIONAL MATCH p6 = (from6)-[:SENDS_UP|SENDS_ACROSS*1..6]->(target)
// No path leaves one null row, which collect() drops: the ends stay in the answer.
WITH ends, coalesce(p1, p2, p3, p4, p5, p6) AS p
WITH ends, p LIMIT $cap
WITH ends, collect(p) AS walked
// Kept routes are sorted by unwinding them; an empty list unwinds as one null row, so the
// answer still has its one row.
WITH ends, size(walked) >= $cap AS capped,
     [p IN walked WHERE length(p) >= $minHops
        AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
        AND ($asOf IS NULL OR all(r IN relationships(p) WHERE r.first_date IS NOT NULL AND
               left(coalesce(r.first_date, ''), size(coalesce($asOf, '')))
                 <= left(coalesce($asOf, ''), size(coalesce(r.first_date, '')))))] AS kept,
     size([p IN walked WHERE $asOf IS NOT NULL AND length(p) >= $minHops
        AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
        AND any(r IN relationships(p) WHERE r.first_date IS NULL)]) AS undated
UNWIND CASE WHEN size(kept) = 0 THEN [null] ELSE kept END AS p
WITH ends, capped, undated, p,
     CASE WHEN p IS NULL THEN [] ELSE [n IN nodes(p) | n.id] END AS ids,
     CASE WHEN p IS NULL THEN [] ELSE [r IN relationships(p) | r.first_flow] END AS flowIds
ORDER BY ids, flowIds
// Many flows between two units are one hop: one route per sequence of units.
WITH ends, capped, undated, ids, collect(p)[0] AS p
ORDER BY size(ids), ids
LIMIT $limit
// The distinct units of the kept routes are read whole (each with its boss), once each, so
// the request needs no second round trip for them; a route names its units by id. The
// routes are collected with their units, so no row carries the list of every route
// (each row that held a large list would cost the engine the memory of that list).
UNWIND CASE WHEN p IS NULL THEN [null] ELSE nodes(p) END AS n
WITH ends, capped, undated, collect(DISTINCT p) AS best, collect(DISTINCT n) AS routeUnits
UNWIND CASE WHEN size(routeUnits) = 0 THEN [null] ELSE routeUnits END AS n
OPTIONAL MATCH (n)-[:REPORTS_TO]->(boss:Unit)
WITH ends, capped, undated, best,
     collect(CASE WHEN n IS NULL THEN null ELSE
       n {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: boss.id} END) AS units
RETURN {ends: ends, capped: capped, units: units,
        paths: [p IN best | {units: [n IN nodes(p) | n.id],
                             flows: [r IN relationships(p) | {id: r.first_flow, direction: r.direction,
                                      mode: r.first_mode, knowledge: r.first_knowledge,
                                      date: r.first_date, citation: r.first_citation,
                                      assumption: r.first_assumption,
                                      recorded_at: r.first_recorded_at,
                                      source: startNode(r).id, target: endNode(r).id}]}],
        undated: undated} AS walk
