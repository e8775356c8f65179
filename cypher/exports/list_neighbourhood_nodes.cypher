// List the units within some hops (1-3) of a unit along flows and reporting lines, in either
// direction (the unit itself included), at most $limit of them, nearest first, then by id.
// Membership of the firm is not a hop, or two hops would reach every unit of the firm. The
// walk goes ring by ring, each ring's units met once however many paths lead to them (paths
// would multiply with every parallel flow), and a ring is walked out only while the rings
// inside it hold fewer than $limit units (a unit met in two rings counts in both).
// params: unit: STRING, hops: INTEGER, limit: INTEGER
// returns: node
// (:Unit {id: $unit})-[:FLOWS|REPORTS_TO]-(ring1:Unit)-[:FLOWS|REPORTS_TO]-(ring2:Unit)
MATCH (u:Unit {id: $unit})
OPTIONAL MATCH (u)-[:FLOWS|REPORTS_TO]-(near:Unit)
WITH u, collect(DISTINCT near) AS ring1
UNWIND CASE WHEN $hops >= 2 AND 0 < size(ring1) < $limit THEN ring1 ELSE [null] END AS inner
OPTIONAL MATCH (inner)-[:FLOWS|REPORTS_TO]-(near:Unit)
WITH u, ring1, collect(DISTINCT near) AS ring2
UNWIND CASE WHEN $hops >= 3 AND 0 < size(ring2) AND size(ring1) + size(ring2) < $limit
            THEN ring2 ELSE [null] END AS inner
OPTIONAL MATCH (inner)-[:FLOWS|REPORTS_TO]-(near:Unit)
WITH u, ring1, ring2, collect(DISTINCT near) AS ring3
WITH [[u], ring1, ring2, ring3] AS rings
UNWIND range(0, 3) AS distance
UNWIND rings[distance] AS n
WITH n, min(distance) AS distance
ORDER BY distance, n.id
LIMIT $limit
RETURN {labels: labels(n), properties: properties(n)} AS node
