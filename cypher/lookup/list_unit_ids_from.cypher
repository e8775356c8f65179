// List unit ids that start with a prefix, in id order (candidates for "did you mean").
// params: prefix: STRING, limit: INTEGER
// returns: id
MATCH (n:Unit)
WHERE n.id STARTS WITH $prefix
RETURN n.id AS id
ORDER BY id
LIMIT $limit
