// Index the id of :Knowledge nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:Knowledge) ON (n.id)
