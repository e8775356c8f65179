// Find any nodes by id with their labels (Relay's node(id), and checks before writes).
// Ids are unique across the whole graph, not only per label. Each id is looked up in the id
// index of every label that has one, so the lookup never scans the graph.
// params: ids: LIST<STRING>
// returns: node
UNWIND $ids AS wanted
CALL {
  WITH wanted MATCH (n:Unit {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:Knowledge {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:LearningEvent {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:IntegrationEvent {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:Actor {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:Resource {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:Capability {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:Firm {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:Project {id: wanted}) RETURN n
  UNION ALL WITH wanted MATCH (n:Tension {id: wanted}) RETURN n
}
RETURN {id: n.id, labels: labels(n), properties: properties(n)} AS node
