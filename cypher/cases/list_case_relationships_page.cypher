// List the relationships that start at the nodes of one firm's case whose ids lie in a
// range (one page of an export: the pages, in id order, give every relationship once).
// params: firmId: STRING, firstId: STRING, lastId: STRING
// returns: relationship
MATCH (a {firm: $firmId})
WHERE a.id >= $firstId AND a.id <= $lastId
MATCH (a)-[r]->(b)
RETURN {type: type(r), from: a.id, to: b.id, properties: properties(r)} AS relationship
ORDER BY a.id, type(r), b.id, r.id
