// List the trails one knowledge item took upward from a unit to a target unit, shortest
// first. Which paths count: each hop is a FLOWS relationship that carries the item and is
// upward or horizontal (a spoke may pass knowledge to a peer first); no unit is visited
// twice; dates never go back in time (dates compare at their common precision: '2001' is
// not before '2001-05'); at most $maxHops hops (1-6). The walk follows only the item's own
// flows, and stops after $cap trails; the one row returned says whether the walk was cut
// there (then shorter trails may be missing, and the service refuses to rank it). With
// $asOf (a partial date; null for no date) a trail counts only when every flow on it is
// dated on or before it (at the coarser precision), and `undated` counts the trails left
// out for an undated flow.
// params: from: STRING, to: STRING, knowledge: STRING, maxHops: INTEGER, cap: INTEGER, skip: INTEGER, limit: INTEGER, asOf: STRING
// returns: walk: Route
// (:Unit {id: $from})-[:FLOWS {knowledge: $knowledge}*1..6]->(:Unit {id: $to})
MATCH (source:Unit {id: $from})
MATCH (target:Unit {id: $to})
MATCH p = (source)-[:FLOWS*1..6 {knowledge: $knowledge}]->(target)
WITH p LIMIT $cap
WITH collect(p) AS walked
// Kept walks are sorted by unwinding them; an empty list unwinds as one null row, so the
// answer still has its one row (no CALL { }: deprecated on Neo4j, absent on the embedded
// engine). The rows carry whether the walk was cut, not the walk: a row that holds a large
// list costs the engine the memory of that list.
WITH size(walked) >= $cap AS capped, [p IN walked WHERE length(p) <= $maxHops
    AND all(r IN relationships(p) WHERE r.direction IN ['upward', 'horizontal'])
    AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
    AND all(i IN range(0, length(p) - 2) WHERE
          relationships(p)[i].date IS NULL OR relationships(p)[i + 1].date IS NULL OR
          CASE WHEN size(relationships(p)[i].date) < size(relationships(p)[i + 1].date)
               THEN relationships(p)[i].date <= left(relationships(p)[i + 1].date, size(relationships(p)[i].date))
               ELSE left(relationships(p)[i].date, size(relationships(p)[i + 1].date)) <= relationships(p)[i + 1].date
          END)
    AND ($asOf IS NULL OR all(r IN relationships(p) WHERE r.date IS NOT NULL AND
           left(coalesce(r.date, ''), size(coalesce($asOf, '')))
             <= left(coalesce($asOf, ''), size(coalesce(r.date, '')))))] AS kept,
     size([p IN walked WHERE $asOf IS NOT NULL AND length(p) <= $maxHops
       AND all(r IN relationships(p) WHERE r.direction IN ['upward', 'horizontal'])
       AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
       AND any(r IN relationships(p) WHERE r.date IS NULL)]) AS undated
UNWIND CASE WHEN size(kept) = 0 THEN [null] ELSE kept END AS p
WITH capped, undated, p,
     CASE WHEN p IS NULL THEN 0 ELSE length(p) END AS hops,
     CASE WHEN p IS NULL THEN [] ELSE [n IN nodes(p) | n.id] END AS ids,
     CASE WHEN p IS NULL THEN [] ELSE [r IN relationships(p) | r.id] END AS flowIds
ORDER BY hops, ids, flowIds
WITH capped, undated, collect(p)[$skip..$skip + $limit] AS page
RETURN {capped: capped,
        paths: [p IN page | {units: [n IN nodes(p) | n {.id, .name, .role, .country, .firm}],
                             flows: [r IN relationships(p) | r {.id, .direction, .mode, .knowledge,
                                     .date, .citation, .assumption, .recorded_at,
                                     source: startNode(r).id, target: endNode(r).id}]}],
        undated: undated} AS walk
