// List the id of every node in the graph (a load in batches checks its new ids against
// them in memory, which costs one scan instead of an index lookup per id and label).
// params: (none)
// returns: id
MATCH (n)
RETURN n.id AS id
