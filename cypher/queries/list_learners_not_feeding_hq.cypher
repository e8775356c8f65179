// Which subsidiaries learn but never feed HQ?
// Subsidiaries with learning events and no route of flows (any direction, at most 4 hops)
// to their firm's HQ or capability centre. Routes walk the derived SENDS_* relationships
// (one per pair of units and direction, however many flows). The units with such a route
// are found once for all learners, ring by ring back from the HQs and capability centres,
// each unit met once a ring however many routes lead through it: the work grows with the
// units and their links, not with the routes.
// params: firm: STRING = null, rowLimit: INTEGER
// returns: firm, unit, learning_events
// (:Subsidiary)-[:LEARNED]->(:LearningEvent), and no (:Subsidiary)-[:SENDS_*1..4]->(:HQ | :CapabilityCentre)
// within4: the HQs and centres, and every unit at most 4 links before one of them.
OPTIONAL MATCH (top:Unit)
WHERE top.role IN ['hq', 'capability_centre'] AND ($firm IS NULL OR top.firm = $firm)
WITH collect(top) AS tops
UNWIND CASE WHEN size(tops) > 0 THEN tops ELSE [null] END AS inner
OPTIONAL MATCH (near:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(inner)
UNWIND [inner, near] AS unit
WITH collect(DISTINCT unit) AS within1
UNWIND CASE WHEN size(within1) > 0 THEN within1 ELSE [null] END AS inner
OPTIONAL MATCH (near:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(inner)
UNWIND [inner, near] AS unit
WITH collect(DISTINCT unit) AS within2
UNWIND CASE WHEN size(within2) > 0 THEN within2 ELSE [null] END AS inner
OPTIONAL MATCH (near:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(inner)
UNWIND [inner, near] AS unit
WITH collect(DISTINCT unit) AS within3
UNWIND CASE WHEN size(within3) > 0 THEN within3 ELSE [null] END AS inner
OPTIONAL MATCH (near:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(inner)
UNWIND [inner, near] AS unit
WITH collect(DISTINCT unit) AS within4
// A learner has a row per learning event, and one that feeds HQ a row with none too.
OPTIONAL MATCH (u:Unit)-[:LEARNED]->(:LearningEvent)
WHERE (u:Subsidiary OR u:CoreSubsidiary) AND ($firm IS NULL OR u.firm = $firm)
WITH within4, collect(CASE WHEN u IS NULL THEN null
                           ELSE {id: u.id, firm: u.firm, events: 1} END) AS learned
UNWIND [near IN within4 | {id: near.id, firm: near.firm, events: 0}] + learned AS row
WITH row.firm AS firm, row.id AS unit, min(row.events) AS fewest, count(*) AS learning_events
WHERE fewest > 0
RETURN firm, unit, learning_events
ORDER BY firm, unit
LIMIT $rowLimit
