// Publish a load: remove its marker, so the graph holds a finished load.
// params: (none)
// returns: deleted
MATCH (m:KflowLoad)
DELETE m
RETURN count(m) AS deleted
