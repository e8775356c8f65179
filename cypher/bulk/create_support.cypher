// Create a batch of support given between units. Rows are {from, to, props}.
// params: rows: LIST<MAP>
// returns: created
// (:Unit)-[:SUPPORTED {project, description, date}]->(:Unit)
UNWIND $rows AS row
MATCH (a:Unit {id: row.from})
MATCH (b:Unit {id: row.to})
CREATE (a)-[s:SUPPORTED]->(b)
SET s = row.props
RETURN count(s) AS created
