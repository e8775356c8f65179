// Get knowledge items by id with the capabilities they build (the knowledge loader).
// params: ids: LIST<STRING>
// returns: knowledge: KnowledgeView
// (:Knowledge)-[:BUILDS]->(:Capability)
UNWIND $ids AS wanted
MATCH (k:Knowledge {id: wanted})
OPTIONAL MATCH (k)-[:BUILDS]->(c:Capability)
WITH k, collect(c {.id, .name, .channel, .citation}) AS capabilities
RETURN k {.id, .name, .kind, .domain, .firm, .citation, .assumption,
          capabilities: capabilities} AS knowledge
