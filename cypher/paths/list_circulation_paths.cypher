// List the reverse transfer paths of one knowledge item: from each unit that learned it to
// its firm's HQ capability centre (or HQ when there is none), shortest first. Same rules as
// list_reverse_transfer_paths: upward or horizontal hops that all carry the item, no unit
// visited twice, dates never going back in time, at most 6 hops.
// params: knowledge: STRING, limit: INTEGER
// returns: path
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(:Knowledge {id: $knowledge})
// (:Unit)-[:FLOWS {knowledge: $knowledge}*1..6]->(:CapabilityCentre | :HQ)
MATCH (:Knowledge {id: $knowledge})<-[:YIELDED]-(:LearningEvent)<-[:LEARNED]-(learner:Unit)
WITH DISTINCT learner
MATCH (learner)-[:PART_OF]->(f:Firm)
OPTIONAL MATCH (f)<-[:PART_OF]-(centre:CapabilityCentre)
OPTIONAL MATCH (f)<-[:PART_OF]-(hq:HQ)
WITH learner, collect(centre.id) + collect(hq.id) AS hubs
MATCH (target:Unit {id: hubs[0]})
MATCH p = (learner)-[:FLOWS*1..6]->(target)
WHERE all(r IN relationships(p) WHERE r.direction IN ['upward', 'horizontal']
          AND r.knowledge = $knowledge)
  AND all(i IN range(0, length(p) - 1) WHERE NOT nodes(p)[i] IN nodes(p)[i + 1..])
  AND all(i IN range(0, length(p) - 2) WHERE
        relationships(p)[i].date IS NULL OR relationships(p)[i + 1].date IS NULL OR
        CASE WHEN size(relationships(p)[i].date) < size(relationships(p)[i + 1].date)
             THEN relationships(p)[i].date <= left(relationships(p)[i + 1].date, size(relationships(p)[i].date))
             ELSE left(relationships(p)[i].date, size(relationships(p)[i + 1].date)) <= relationships(p)[i + 1].date
        END)
WITH p, [n IN nodes(p) | n.id] AS ids
ORDER BY length(p), ids
LIMIT $limit
RETURN {units: [n IN nodes(p) | n {.id, .name, .role, .country, .firm}],
        flows: [r IN relationships(p) | r {.id, .direction, .mode, .knowledge, .date, .citation}]
       } AS path
