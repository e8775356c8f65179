// List a page of one firm's nodes with their labels and properties, the next `limit` by id
// after `afterId` (a backup reads a large firm this way, a page at a time).
// params: firmId: STRING, afterId: STRING, limit: INTEGER
// returns: node
MATCH (n {firm: $firmId})
WHERE n.id > $afterId
RETURN {labels: labels(n), properties: properties(n)} AS node
ORDER BY n.id
LIMIT $limit
