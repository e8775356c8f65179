// Delete every node and relationship in the graph.
// params: (none)
// returns: deleted
MATCH (n)
DETACH DELETE n
RETURN count(n) AS deleted
