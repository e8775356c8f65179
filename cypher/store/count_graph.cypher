// Count the nodes and relationships in the graph.
// Two separate aggregations, so an empty graph still gives one row of zeros.
// params: (none)
// returns: nodes, relationships
OPTIONAL MATCH (n)
WITH count(n) AS nodes
OPTIONAL MATCH ()-[r]->()
RETURN nodes, count(r) AS relationships
