// List one page of a firm's units as stored, every property included, in id order (to
// rebuild their records; a firm may hold tens of thousands).
// params: firm: STRING, skip: INTEGER, limit: INTEGER
// returns: unit
// (:Unit {firm: $firm})
MATCH (u:Unit)
WHERE u.firm = $firm
RETURN properties(u) AS unit
ORDER BY u.id
SKIP $skip
LIMIT $limit
