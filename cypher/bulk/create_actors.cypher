// Create a batch of a new firm's outside actors, each IN_NETWORK_OF the firm. Rows are {props}.
// params: firmId: STRING, rows: LIST<MAP>
// returns: created
// (:Actor)-[:IN_NETWORK_OF]->(:Firm)
MATCH (f:Firm {id: $firmId})
UNWIND $rows AS row
CREATE (a:Actor)-[:IN_NETWORK_OF]->(f)
SET a = row.props
RETURN count(a) AS created
