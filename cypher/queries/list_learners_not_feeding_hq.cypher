// Which subsidiaries learn but never feed HQ?
// Subsidiaries with learning events and no route of flows (any direction, at most 4 hops)
// to their firm's HQ or capability centre. Routes walk the derived SENDS_* relationships
// (one per pair of units and direction, however many flows), and each subsidiary's search
// stops at its first route: only the subsidiaries with none are searched through.
// params: firm: STRING = null, rowLimit: INTEGER
// returns: firm, unit, learning_events
// (:Subsidiary)-[:LEARNED]->(:LearningEvent), and no (:Subsidiary)-[:SENDS_*1..4]->(:HQ | :CapabilityCentre)
MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)
WHERE (u:Subsidiary OR u:CoreSubsidiary) AND ($firm IS NULL OR u.firm = $firm)
WITH u, count(e) AS learning_events
CALL {
  WITH u
  OPTIONAL MATCH route = (u)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS*1..4]->(top:Unit)
  WHERE top.role IN ['hq', 'capability_centre']
  RETURN route
  LIMIT 1
}
WITH u, learning_events, route
WHERE route IS NULL
RETURN u.firm AS firm, u.id AS unit, learning_events
ORDER BY firm, unit
LIMIT $rowLimit
