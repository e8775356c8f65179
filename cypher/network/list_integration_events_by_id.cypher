// List the integration events with the given ids, with their roles, knowledge and resources
// (Relay's node(id) and nodes(ids) for an IntegrationEvent, batched).
// params: ids: LIST<STRING>
// returns: event: IntegrationEventView
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource)
UNWIND $ids AS wanted
MATCH (i:IntegrationEvent {id: wanted})
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
