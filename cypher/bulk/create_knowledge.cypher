// Create a batch of a new firm's knowledge items. Rows are {props}.
// params: firmId: STRING, rows: LIST<MAP>
// returns: created
// (:Knowledge)-[:OF_FIRM]->(:Firm)
MATCH (f:Firm {id: $firmId})
UNWIND $rows AS row
CREATE (k:Knowledge)-[:OF_FIRM]->(f)
SET k = row.props
RETURN count(k) AS created
