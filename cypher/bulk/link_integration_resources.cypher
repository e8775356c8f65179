// Link a batch of integration events to the resources they involved. Rows are {from, to}.
// params: rows: LIST<MAP>
// returns: created
// (:IntegrationEvent)-[:INVOLVED]->(:Resource)
UNWIND $rows AS row
MATCH (i:IntegrationEvent {id: row.from})
MATCH (r:Resource {id: row.to})
CREATE (i)-[:INVOLVED]->(r)
RETURN count(*) AS created
