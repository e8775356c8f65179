// Create a batch of integration events (their role units are linked afterwards). Rows are {props}.
// params: rows: LIST<MAP>
// returns: created
// (:IntegrationEvent)
UNWIND $rows AS row
CREATE (i:IntegrationEvent)
SET i = row.props
RETURN count(i) AS created
