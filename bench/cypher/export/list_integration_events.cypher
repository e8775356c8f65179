// List one page of a firm's integration events with their first sponsor and the knowledge
// they used.
// params: firm: STRING, skip: INTEGER, limit: INTEGER
// returns: event, used
MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
WITH i ORDER BY i.id SKIP $skip LIMIT $limit
OPTIONAL MATCH (i)-[:SPONSORED_BY]->(u:Unit)
WITH i, head(collect(u.id)) AS unit
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
RETURN i {.id, .step, .tier, .date, .until, unit: unit} AS event, collect(k.id) AS used
