// Record that a unit learned knowledge from an outside source.
// params: unit: STRING, source: STRING, knowledge: LIST<STRING>, props: MAP
// returns: event: LearningView
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor), (:LearningEvent)-[:YIELDED]->(:Knowledge)
MATCH (u:Unit {id: $unit})
MATCH (a:Actor {id: $source})
CREATE (u)-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a)
SET e = $props
FOREACH (knowledgeId IN $knowledge |
  MERGE (k:Knowledge {id: knowledgeId})
  CREATE (e)-[:YIELDED]->(k))
RETURN e {.id, .channel, .date, .citation, .assumption,
          unit: u {.id, .name, .role, .country, .firm},
          source: a {.id, .name, .kind, .country}} AS event
