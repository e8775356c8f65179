// List the knowledge items a unit sent upward or sideways, by id, at most $cap: the items
// whose trails reverseTransferPaths walks when asked for trails of one item each
// (sameKnowledge) without naming the item.
// params: from: STRING, cap: INTEGER
// returns: knowledge
// (:Unit {id: $from})-[:FLOWS]->(:Unit)
MATCH (:Unit {id: $from})-[r:FLOWS]->(:Unit)
WHERE r.direction IN ['upward', 'horizontal'] AND r.knowledge IS NOT NULL
RETURN DISTINCT r.knowledge AS knowledge
ORDER BY knowledge
LIMIT $cap
