// The loads announced in the graph and not yet whole (unpublished, or still being untagged).
// params: (none)
// returns: id, startedAt, published
MATCH (m:KflowLoad)
RETURN m.id AS id, m.startedAt AS startedAt, coalesce(m.published, false) AS published
ORDER BY startedAt
