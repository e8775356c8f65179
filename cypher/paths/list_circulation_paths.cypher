// List the reverse transfer paths of one knowledge item: from each unit that learned it to
// its firm's HQ capability centre (or HQ when there is none), shortest first. Same rules as
// list_reverse_transfer_paths: upward or horizontal hops that all carry the item, no unit
// visited twice, dates never going back in time, at most 6 hops. The walk follows only the
// item's own flows and stops after $cap trails; the one row returned says whether the walk
// was cut there (then shorter trails may be missing, and the service refuses to rank it).
// params: knowledge: STRING, cap: INTEGER, limit: INTEGER
// returns: walk: Route
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(:Knowledge {id: $knowledge})
// (:Unit)-[:FLOWS {knowledge: $knowledge}*1..6]->(:CapabilityCentre | :HQ)
MATCH (:Knowledge {id: $knowledge})<-[:YIELDED]-(:LearningEvent)<-[:LEARNED]-(learner:Unit)
WITH DISTINCT learner
OPTIONAL MATCH (centre:CapabilityCentre)
WHERE centre.firm = learner.firm
OPTIONAL MATCH (hq:HQ)
WHERE hq.firm = learner.firm
WITH learner, centre, hq ORDER BY centre.id
WITH learner, collect(centre.id) + collect(hq.id) AS hubs
MATCH (target:Unit {id: hubs[0]})
MATCH p = (learner)-[:FLOWS*1..6 {knowledge: $knowledge}]->(target)
WITH p LIMIT $cap
WITH collect(p) AS walked
// Kept walks are sorted by unwinding them; an empty list unwinds as one null row, so the
// answer still has its one row (no CALL { }: deprecated on Neo4j, absent on the embedded
// engine). The rows carry whether the walk was cut, not the walk: a row that holds a large
// list costs the engine the memory of that list.
WITH size(walked) >= $cap AS capped, [p IN walked WHERE all(r IN relationships(p) WHERE r.direction IN ['upward', 'horizontal'])
    AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
    AND all(i IN range(0, length(p) - 2) WHERE
          relationships(p)[i].date IS NULL OR relationships(p)[i + 1].date IS NULL OR
          CASE WHEN size(relationships(p)[i].date) < size(relationships(p)[i + 1].date)
               THEN relationships(p)[i].date <= left(relationships(p)[i + 1].date, size(relationships(p)[i].date))
               ELSE left(relationships(p)[i].date, size(relationships(p)[i + 1].date)) <= relationships(p)[i + 1].date
          END)] AS kept
UNWIND CASE WHEN size(kept) = 0 THEN [null] ELSE kept END AS p
WITH capped, p,
     CASE WHEN p IS NULL THEN 0 ELSE length(p) END AS hops,
     CASE WHEN p IS NULL THEN [] ELSE [n IN nodes(p) | n.id] END AS ids,
     CASE WHEN p IS NULL THEN [] ELSE [r IN relationships(p) | r.id] END AS flowIds
ORDER BY hops, ids, flowIds
WITH capped, collect(p)[..$limit] AS page
RETURN {capped: capped,
        paths: [p IN page | {units: [n IN nodes(p) | n {.id, .name, .role, .country, .firm}],
                             flows: [r IN relationships(p) | r {.id, .direction, .mode, .knowledge,
                                     .date, .citation, .assumption, .recorded_at,
                                     source: startNode(r).id, target: endNode(r).id}]}]} AS walk
