// List the integration events that used one knowledge item, in time order (undated last),
// at most $limit. They are found through the item's own USED relationships, so the cost
// follows the item's events, not all the events of the graph.
// params: knowledge: STRING, limit: INTEGER
// returns: event
// (:IntegrationEvent)-[:USED]->(:Knowledge {id: $knowledge}),
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:INVOLVED]->(:Resource)
MATCH (:Knowledge {id: $knowledge})<-[:USED]-(i:IntegrationEvent)
WITH DISTINCT i
ORDER BY i.date, i.id
LIMIT $limit
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH i, collect(k.id) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, knowledge, collect(r {.id, .name, .kind}) AS resources
OPTIONAL MATCH (i)-[:SPONSORED_BY]->(sponsor:Unit)
WITH i, knowledge, resources, collect(sponsor.id) AS sponsors
OPTIONAL MATCH (i)-[:BENEFITS]->(beneficiary:Unit)
WITH i, knowledge, resources, sponsors, collect(beneficiary.id) AS beneficiaries
OPTIONAL MATCH (i)-[:COORDINATED_BY]->(coordinator:Unit)
WITH i, knowledge, resources, sponsors, beneficiaries, head(collect(coordinator.id)) AS coordinator
RETURN i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, sponsors: sponsors,
          beneficiaries: beneficiaries, coordinator: coordinator, knowledge: knowledge,
          resources: resources} AS event
ORDER BY event.date, event.id
