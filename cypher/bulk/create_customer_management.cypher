// Create a batch of customers managed as assets by units. Rows are {unit, customer, props}.
// params: rows: LIST<MAP>
// returns: created
// (:Unit)-[:MANAGES {perspective}]->(:Actor)
UNWIND $rows AS row
MATCH (u:Unit {id: row.unit})
MATCH (a:Actor {id: row.customer})
CREATE (u)-[m:MANAGES]->(a)
SET m = row.props
RETURN count(m) AS created
