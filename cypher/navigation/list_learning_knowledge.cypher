// List the knowledge each of the given learning events yielded, by id (LearningEvent.knowledge,
// batched across events).
// params: events: LIST<STRING>
// returns: event, knowledge
// (:LearningEvent)-[:YIELDED]->(:Knowledge)
UNWIND $events AS wanted
MATCH (e:LearningEvent {id: wanted})-[:YIELDED]->(k:Knowledge)
WITH e, k ORDER BY k.id
RETURN e.id AS event, collect(k.id) AS knowledge
