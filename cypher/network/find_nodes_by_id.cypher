// Find any nodes by id with their labels (Relay's node(id), and checks before writes).
// Ids are unique across the whole graph, not only per label. Each id is looked up in the id
// index of every label that has one, so the lookup never scans the graph; at most one of the
// lookups finds it.
// params: ids: LIST<STRING>
// returns: node
UNWIND $ids AS wanted
OPTIONAL MATCH (unit:Unit {id: wanted})
OPTIONAL MATCH (knowledge:Knowledge {id: wanted})
OPTIONAL MATCH (learning:LearningEvent {id: wanted})
OPTIONAL MATCH (integration:IntegrationEvent {id: wanted})
OPTIONAL MATCH (actor:Actor {id: wanted})
OPTIONAL MATCH (resource:Resource {id: wanted})
OPTIONAL MATCH (capability:Capability {id: wanted})
OPTIONAL MATCH (firm:Firm {id: wanted})
OPTIONAL MATCH (project:Project {id: wanted})
OPTIONAL MATCH (tension:Tension {id: wanted})
WITH coalesce(unit, knowledge, learning, integration, actor, resource, capability, firm,
              project, tension) AS n
WHERE n IS NOT NULL
RETURN {id: n.id, labels: labels(n), properties: properties(n)} AS node
