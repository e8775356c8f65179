// Create a batch of integration events, each AT its unit. Rows are {props, unit}.
// params: rows: LIST<MAP>
// returns: created
// (:IntegrationEvent)-[:AT]->(:Unit)
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
CREATE (i:IntegrationEvent)-[:AT]->(u)
SET i = row.props
RETURN count(i) AS created
