// List the knowledge and resources of given integration events (for the matrix's events).
// params: ids: LIST<STRING>
// returns: detail
UNWIND $ids AS wanted
MATCH (i:IntegrationEvent {id: wanted})
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH i, collect(k.id) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, knowledge, collect(r {.id, .name, .kind}) AS resources
RETURN {id: i.id, knowledge: knowledge, resources: resources} AS detail
