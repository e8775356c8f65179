// Link a batch of integration events to the knowledge they used. Rows are {from, to}.
// params: rows: LIST<MAP>
// returns: created
// (:IntegrationEvent)-[:USED]->(:Knowledge)
UNWIND $rows AS row
MATCH (i:IntegrationEvent {id: row.from})
MATCH (k:Knowledge {id: row.to})
CREATE (i)-[:USED]->(k)
RETURN count(*) AS created
