// The loads announced in the graph and not yet published (or removed).
// params: (none)
// returns: id, startedAt
MATCH (m:KflowLoad)
RETURN m.id AS id, m.startedAt AS startedAt
ORDER BY startedAt
