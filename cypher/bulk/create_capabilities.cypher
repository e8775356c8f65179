// Create a batch of a new firm's capabilities. Rows are {props}.
// params: firmId: STRING, rows: LIST<MAP>
// returns: created
// (:Firm)-[:HAS_CAPABILITY]->(:Capability)
MATCH (f:Firm {id: $firmId})
UNWIND $rows AS row
CREATE (f)-[:HAS_CAPABILITY]->(c:Capability)
SET c = row.props
RETURN count(c) AS created
