// The marker of a load in progress, if the graph holds one.
// params: (none)
// returns: startedAt
MATCH (m:KflowLoad)
RETURN m.startedAt AS startedAt
