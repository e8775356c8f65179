// Delete up to $limit relationships of the nodes of unfinished loads (before the nodes: a
// hub holds so many flows that deleting it with them could pass a transaction's memory
// limit; call until it deletes nothing). Only nodes tagged with these loads' ids are
// touched: whatever else the graph holds stays.
// params: loadIds: LIST<STRING>, limit: INTEGER
// returns: deleted
MATCH (n)-[r]-()
WHERE n.kflow_load IN $loadIds
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(r) AS deleted
