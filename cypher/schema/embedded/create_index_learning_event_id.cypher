// Index the id of :LearningEvent nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:LearningEvent) ON (n.id)
