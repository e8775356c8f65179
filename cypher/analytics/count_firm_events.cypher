// Count a firm's learning events and integration events. With the units' summary
// (get_upward_fingerprint) this tells whether anything transfer lag reads has changed since
// it was last measured: every write adds an event whole, with its links, or adds a flow.
// params: firm: STRING
// returns: learning, integrations
// (:LearningEvent {firm: $firm}), (:IntegrationEvent {firm: $firm})
OPTIONAL MATCH (e:LearningEvent)
WHERE e.firm = $firm
WITH count(e) AS learning
OPTIONAL MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
RETURN learning, count(i) AS integrations
