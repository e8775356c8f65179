// Link a batch of units to the units they report to. Rows are {from, to}.
// params: rows: LIST<MAP>
// returns: created
// (:Unit)-[:REPORTS_TO]->(:Unit)
UNWIND $rows AS row
MATCH (u:Unit {id: row.from})
MATCH (boss:Unit {id: row.to})
CREATE (u)-[:REPORTS_TO]->(boss)
RETURN count(*) AS created
