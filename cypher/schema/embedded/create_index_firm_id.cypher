// Index the id of :Firm nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:Firm) ON (n.id)
