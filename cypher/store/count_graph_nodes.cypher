// Count the nodes in the graph (the engine answers this form from its own counters; combined
// with the relationship count in one statement it walks the whole graph instead).
// params: (none)
// returns: nodes
MATCH (n)
RETURN count(n) AS nodes
