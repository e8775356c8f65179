// List every flow that carried one knowledge item, in time order (undated last).
// params: knowledge: STRING
// returns: flow
// (:Unit)-[:FLOWS {knowledge: $knowledge}]->(:Unit)
MATCH (a:Unit)-[r:FLOWS]->(b:Unit)
WHERE r.knowledge = $knowledge
RETURN r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption,
          source: a {.id, .name, .role, .country, .firm},
          target: b {.id, .name, .role, .country, .firm}} AS flow
ORDER BY r.date, r.id
