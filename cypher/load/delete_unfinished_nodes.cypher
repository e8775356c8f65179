// Delete up to $limit nodes of unfinished loads: only nodes tagged with these loads' ids
// (call until it deletes nothing).
// params: loadIds: LIST<STRING>, limit: INTEGER
// returns: deleted
MATCH (n)
WHERE n.kflow_load IN $loadIds
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(n) AS deleted
