// Link a batch of knowledge items to the capabilities they build. Rows are {from, to}.
// params: rows: LIST<MAP>
// returns: created
// (:Knowledge)-[:BUILDS]->(:Capability)
UNWIND $rows AS row
MATCH (k:Knowledge {id: row.from})
MATCH (c:Capability {id: row.to})
CREATE (k)-[:BUILDS]->(c)
RETURN count(*) AS created
