// List the learning events of a firm's units below the HQ level (knowledge learned at the
// HQ or its centre needs no transfer up): the event's date, the unit that learned and the
// item learned. The service matches them to the item's arrivals at HQ and its integration
// events, each read once per item, and measures the lags. At most $limit events.
// params: firm: STRING, limit: INTEGER
// returns: event, date, unit, knowledge
// (:Unit)-[:LEARNED]->(:LearningEvent {firm: $firm})-[:YIELDED]->(:Knowledge)
MATCH (e:LearningEvent)
WHERE e.firm = $firm
WITH e LIMIT $limit
MATCH (e)<-[:LEARNED]-(learner:Unit)
WHERE NOT learner.role IN ['hq', 'capability_centre']
MATCH (e)-[:YIELDED]->(k:Knowledge)
RETURN e.id AS event, e.date AS date, learner.id AS unit, k.id AS knowledge
