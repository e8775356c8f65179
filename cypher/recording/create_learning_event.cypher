// Record that a unit learned knowledge from an outside source.
// params: unit: STRING, source: STRING, knowledge: LIST<STRING>, props: MAP
// returns: event: RecordedLearning
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor), (:LearningEvent)-[:YIELDED]->(:Knowledge)
MATCH (u:Unit {id: $unit})
MATCH (a:Actor {id: $source})
CREATE (u)-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a)
SET e = $props
FOREACH (knowledgeId IN $knowledge |
  MERGE (k:Knowledge {id: knowledgeId})
  CREATE (e)-[:YIELDED]->(k))
RETURN e {.id, .channel, .date, .firm, .citation, .assumption, .recorded_at,
          unit: u.id, source: a.id, knowledge: $knowledge} AS event
