// List every relationship that starts at a node of one firm's case in one statement (the
// unpaged read the export's pages must add up to).
// params: firmId: STRING
// returns: relationship
MATCH (a {firm: $firmId})-[r]->(b)
RETURN {type: type(r), from: a.id, to: b.id, properties: properties(r)} AS relationship
ORDER BY a.id, type(r), b.id, r.id
