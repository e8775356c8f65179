// List the nodes within some hops of a unit, over any relationship in either direction
// (the unit itself included), at most $limit of them, nearest first.
// params: unit: STRING, hops: INTEGER, limit: INTEGER
// returns: node
// (:Unit {id: $unit})-[*0..3]-(n)
MATCH (u:Unit {id: $unit})
MATCH p = (u)-[*0..3]-(n)
WHERE length(p) <= $hops
WITH n, min(length(p)) AS distance
ORDER BY distance, n.id
LIMIT $limit
RETURN {labels: labels(n), properties: properties(n)} AS node
