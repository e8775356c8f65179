// Untag up to $limit nodes of a published load, so they are the graph's like any other
// (call until it untags nothing).
// params: loadId: STRING, limit: INTEGER
// returns: untagged
MATCH (n)
WHERE n.kflow_load = $loadId
WITH n LIMIT $limit
REMOVE n.kflow_load
RETURN count(n) AS untagged
