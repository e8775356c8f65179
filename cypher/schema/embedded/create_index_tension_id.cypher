// Index the id of :Tension nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:Tension) ON (n.id)
