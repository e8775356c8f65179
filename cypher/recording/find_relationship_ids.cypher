// Find which of the given ids are already used by a flow or a support relationship.
// params: ids: LIST<STRING>
// returns: id
UNWIND $ids AS wanted
OPTIONAL MATCH ()-[f:FLOWS {id: wanted}]->()
OPTIONAL MATCH ()-[s:SUPPORTED {id: wanted}]->()
WITH wanted, count(f) + count(s) AS uses
WHERE uses > 0
RETURN wanted AS id
