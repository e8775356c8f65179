// Delete up to $limit nodes of an unfinished load, keeping its marker until the rest is gone
// (call until it deletes nothing; a load goes into an empty store, so every node but the
// marker is the load's).
// params: limit: INTEGER
// returns: deleted
MATCH (n)
WHERE NOT n:KflowLoad
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(n) AS deleted
