// Create a batch of learning events, each LEARNED by its unit and FROM its source.
// Rows are {props, unit, source}.
// params: rows: LIST<MAP>
// returns: created
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor)
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
MATCH (a:Actor {id: row.source})
CREATE (u)-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a)
SET e = row.props
RETURN count(e) AS created
