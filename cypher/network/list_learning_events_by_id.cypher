// List the learning events with the given ids, with the unit that learned and the source
// (Relay's node(id) and nodes(ids) for a LearningEvent, batched).
// params: ids: LIST<STRING>
// returns: event: LearningView
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor)
UNWIND $ids AS wanted
MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent {id: wanted})-[:FROM]->(a:Actor)
RETURN e {.id, .channel, .date, .citation, .assumption,
          unit: u {.id, .name, .role, .country, .firm},
          source: a {.id, .name, .kind, .country}} AS event
