// Index the date of :IntegrationEvent nodes (with the firm index, a firm's dated events are
// found by both; Neo4j has one index on the pair).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:IntegrationEvent) ON (n.date)
