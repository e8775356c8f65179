// Publish a load: its nodes no longer carry its id, so they are the graph's like any other.
// params: loadId: STRING
// returns: published
MATCH (n)
WHERE n.kflow_load = $loadId
REMOVE n.kflow_load
RETURN count(n) AS published
