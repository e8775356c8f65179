// How do two firms compare (Huawei vs ZTE; Lenovo vs TCL)?
// Side by side: outcome, units, subsidiaries, learning events, flows up, down and across,
// and integration events by step. The flows are counted from the derived SENDS_* pair
// summaries (each counts the flows between two units in one direction), not by walking
// every flow.
// params: firms: LIST<STRING> = ["huawei", "zte"], rowLimit: INTEGER
// returns: firm, outcome, units, subsidiaries, learning_events, flows_up, flows_down, flows_across, leverage, renew, release
// (:Firm)<-[:PART_OF]-(:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS {flows}]->(:Unit), (:IntegrationEvent {firm})
MATCH (f:Firm)
WHERE f.id IN $firms
OPTIONAL MATCH (f)<-[:PART_OF]-(u:Unit)
WITH f, count(u) AS units,
     size([x IN collect(u.role) WHERE x IN ['subsidiary', 'core_subsidiary']]) AS subsidiaries
OPTIONAL MATCH (e:LearningEvent)
WHERE e.firm = f.id
WITH f, units, subsidiaries, count(e) AS learning_events
OPTIONAL MATCH (f)<-[:PART_OF]-(:Unit)-[s:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(:Unit)
WHERE s.firm = f.id
WITH f, units, subsidiaries, learning_events,
     toInteger(sum(CASE type(s) WHEN 'SENDS_UP' THEN s.flows ELSE 0 END)) AS flows_up,
     toInteger(sum(CASE type(s) WHEN 'SENDS_DOWN' THEN s.flows ELSE 0 END)) AS flows_down,
     toInteger(sum(CASE type(s) WHEN 'SENDS_ACROSS' THEN s.flows ELSE 0 END)) AS flows_across
OPTIONAL MATCH (i:IntegrationEvent)
WHERE i.firm = f.id
WITH f, units, subsidiaries, learning_events, flows_up, flows_down, flows_across,
     collect(i.step) AS steps
RETURN f.id AS firm, f.outcome AS outcome, units, subsidiaries, learning_events, flows_up,
       flows_down, flows_across,
       size([s IN steps WHERE s = 'leverage']) AS leverage,
       size([s IN steps WHERE s = 'renew']) AS renew,
       size([s IN steps WHERE s = 'release']) AS release
ORDER BY firm
LIMIT $rowLimit
