// List the learning events of a firm's units below the HQ level (knowledge learned at the
// HQ or its centre needs no transfer up) with what became of the knowledge each yielded: the unit
// that learned, the item, the dates of the integration events that used the item (the dated
// ones) and how many such events there are in all. Dates are kept as given; the service
// measures the lags. At most $limit events.
// params: firm: STRING, limit: INTEGER
// returns: outcome
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(:Knowledge)<-[:USED]-(:IntegrationEvent)
MATCH (e:LearningEvent)
WHERE e.firm = $firm
WITH e LIMIT $limit
MATCH (learner:Unit)-[:LEARNED]->(e)-[:YIELDED]->(k:Knowledge)
WHERE NOT learner.role IN ['hq', 'capability_centre']
OPTIONAL MATCH (i:IntegrationEvent)-[:USED]->(k)
WITH e, learner, k, collect(i.date) AS integrated, count(i) AS integrations
RETURN {event: e.id, date: e.date, unit: learner.id, knowledge: k.id,
        integrated: integrated, integrations: integrations} AS outcome
