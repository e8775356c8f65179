// Record that the firm leveraged, renewed or released resources at a unit.
// params: unit: STRING, knowledge: LIST<STRING>, resources: LIST<STRING>, props: MAP
// returns: event
// (:IntegrationEvent)-[:AT]->(:Unit), -[:USED]->(:Knowledge), -[:INVOLVED]->(:Resource)
MATCH (u:Unit {id: $unit})
CREATE (i:IntegrationEvent)-[:AT]->(u)
SET i = $props
FOREACH (knowledgeId IN $knowledge |
  MERGE (k:Knowledge {id: knowledgeId})
  CREATE (i)-[:USED]->(k))
FOREACH (resourceId IN $resources |
  MERGE (r:Resource {id: resourceId})
  CREATE (i)-[:INVOLVED]->(r))
WITH i, u
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, u, collect(r {.id, .name, .kind}) AS resources
RETURN i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, unit: u.id, knowledge: $knowledge,
          resources: resources} AS event
