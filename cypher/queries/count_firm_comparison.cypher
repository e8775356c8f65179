// How do two firms compare (Huawei vs ZTE; Lenovo vs TCL)?
// Side by side: outcome, units, subsidiaries, learning events, flows up, down and across,
// and integration events by step.
// params: firms: LIST<STRING> = ["huawei", "zte"]
// returns: firm, outcome, units, subsidiaries, learning_events, flows_up, flows_down, flows_across, leverage, renew, release
// (:Firm)<-[:PART_OF]-(:Unit)-[:FLOWS]->(:Unit), (:IntegrationEvent {firm})
MATCH (f:Firm)
WHERE f.id IN $firms
OPTIONAL MATCH (f)<-[:PART_OF]-(u:Unit)
WITH f, count(u) AS units,
     size([x IN collect(u.role) WHERE x IN ['subsidiary', 'core_subsidiary']]) AS subsidiaries
OPTIONAL MATCH (e:LearningEvent)
WHERE e.firm = f.id
WITH f, units, subsidiaries, count(e) AS learning_events
OPTIONAL MATCH (:Unit)-[r:FLOWS]->(:Unit)
WHERE r.firm = f.id
WITH f, units, subsidiaries, learning_events, collect(r.direction) AS directions
OPTIONAL MATCH (i:IntegrationEvent)
WHERE i.firm = f.id
WITH f, units, subsidiaries, learning_events, directions, collect(i.step) AS steps
RETURN f.id AS firm, f.outcome AS outcome, units, subsidiaries, learning_events,
       size([d IN directions WHERE d = 'upward']) AS flows_up,
       size([d IN directions WHERE d = 'downward']) AS flows_down,
       size([d IN directions WHERE d = 'horizontal']) AS flows_across,
       size([s IN steps WHERE s = 'leverage']) AS leverage,
       size([s IN steps WHERE s = 'renew']) AS renew,
       size([s IN steps WHERE s = 'release']) AS release
ORDER BY firm
