// List the relationships between the given nodes (both ends among them).
// params: ids: LIST<STRING>
// returns: relationship
MATCH (a)-[r]->(b)
WHERE a.id IN $ids AND b.id IN $ids
RETURN {type: type(r), from: a.id, to: b.id, properties: properties(r)} AS relationship
ORDER BY relationship.from, relationship.type, relationship.to
