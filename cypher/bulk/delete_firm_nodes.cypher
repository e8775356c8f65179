// Delete up to $limit nodes of one firm with their relationships (the clean-up after a load in
// batches failed part way on a store that cannot stage it; call until it deletes nothing).
// params: firmId: STRING, limit: INTEGER
// returns: deleted
MATCH (n {firm: $firmId})
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(n) AS deleted
