// Which subsidiaries learn but never feed HQ?
// Subsidiaries with learning events and no route of flows (any direction, at most 4 hops)
// to their firm's HQ or capability centre.
// params: firm: STRING = null
// returns: firm, unit, learning_events
// (:Subsidiary)-[:LEARNED]->(:LearningEvent), and no (:Subsidiary)-[:FLOWS*1..4]->(:HQ | :CapabilityCentre)
MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)
WHERE (u:Subsidiary OR u:CoreSubsidiary) AND ($firm IS NULL OR u.firm = $firm)
WITH u, count(e) AS learning_events
OPTIONAL MATCH p = (u)-[:FLOWS*1..4]->(top:Unit)
WHERE top.role IN ['hq', 'capability_centre']
WITH u, learning_events, count(p) AS routes
WHERE routes = 0
RETURN u.firm AS firm, u.id AS unit, learning_events
ORDER BY firm, unit
