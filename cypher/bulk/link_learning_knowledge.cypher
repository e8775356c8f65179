// Link a batch of learning events to the knowledge they yielded. Rows are {from, to}.
// params: rows: LIST<MAP>
// returns: created
// (:LearningEvent)-[:YIELDED]->(:Knowledge)
UNWIND $rows AS row
MATCH (e:LearningEvent {id: row.from})
MATCH (k:Knowledge {id: row.to})
CREATE (e)-[:YIELDED]->(k)
RETURN count(*) AS created
