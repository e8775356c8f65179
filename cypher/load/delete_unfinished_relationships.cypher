// Delete up to $limit relationships of an unfinished load (before its nodes: a hub holds so
// many flows that deleting it with them could pass a transaction's memory limit; call until
// it deletes nothing; a load goes into an empty store, so everything is the load's).
// params: limit: INTEGER
// returns: deleted
MATCH ()-[r]->()
WITH r LIMIT $limit
DELETE r
RETURN count(r) AS deleted
