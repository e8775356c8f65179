// Index the id of :CaseAnalysis nodes (the engine adds the uniqueness constraint on top).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:CaseAnalysis) ON (n.id)
