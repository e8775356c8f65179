// Index the id of :IntegrationEvent nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:IntegrationEvent) ON (n.id)
