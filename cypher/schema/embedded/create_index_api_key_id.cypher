// Index the id of :ApiKey nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:ApiKey) ON (n.id)
