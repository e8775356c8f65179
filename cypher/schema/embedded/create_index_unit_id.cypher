// Index the id of :Unit nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:Unit) ON (n.id)
