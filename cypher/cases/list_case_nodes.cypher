// List every node of one firm's case with its labels and properties (for export).
// params: firmId: STRING
// returns: node
MATCH (n {firm: $firmId})
RETURN {labels: labels(n), properties: properties(n)} AS node
ORDER BY n.id
