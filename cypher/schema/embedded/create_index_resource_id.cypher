// Index the id of :Resource nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:Resource) ON (n.id)
