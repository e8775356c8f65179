// Delete API keys by id (the clean-up after a restore failed part way on a store that cannot
// stage it).
// params: ids: LIST<STRING>
// returns: deleted
MATCH (k:ApiKey)
WHERE k.id IN $ids
DETACH DELETE k
RETURN count(k) AS deleted
