// Count the relationships in the graph (answered from the engine's own counters).
// params: (none)
// returns: relationships
MATCH ()-[r]->()
RETURN count(r) AS relationships
