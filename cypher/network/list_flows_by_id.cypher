// List the flows with the given ids (Relay's node(id) and nodes(ids) for a Flow, batched).
// params: ids: LIST<STRING>
// returns: flow: FlowView
// (:Unit)-[:FLOWS]->(:Unit)
UNWIND $ids AS wanted
MATCH (a:Unit)-[r:FLOWS {id: wanted}]->(b:Unit)
RETURN r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption, .recorded_at,
          source: a.id, target: b.id} AS flow
