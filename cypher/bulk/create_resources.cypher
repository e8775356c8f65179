// Create a batch of resources, each held by its unit. Rows are {props, heldBy}.
// params: rows: LIST<MAP>
// returns: created
// (:Unit)-[:HOLDS]->(:Resource)
UNWIND $rows AS row
MATCH (u:Unit {id: row.heldBy})
CREATE (u)-[:HOLDS]->(r:Resource)
SET r = row.props
RETURN count(r) AS created
