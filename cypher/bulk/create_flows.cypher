// Create a batch of knowledge flows between units, grouped by pair so that each pair's two
// units are looked up once. Rows are {from, to, flows: [props, ...]}.
// params: rows: LIST<MAP>
// returns: created
// (:Unit)-[:FLOWS {direction, mode, knowledge, date}]->(:Unit)
UNWIND $rows AS row
MATCH (a:Unit {id: row.from})
MATCH (b:Unit {id: row.to})
UNWIND row.flows AS props
CREATE (a)-[x:FLOWS]->(b)
SET x = props
RETURN count(x) AS created
