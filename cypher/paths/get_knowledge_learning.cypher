// Get a knowledge item, with the capabilities it builds and who learned it, from which
// source, through which channel, when.
// params: knowledge: STRING
// returns: knowledge: KnowledgeView, learning: LearningView
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(:Knowledge), (:LearningEvent)-[:FROM]->(:Actor)
MATCH (k:Knowledge {id: $knowledge})
OPTIONAL MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)-[:YIELDED]->(k)
OPTIONAL MATCH (e)-[:FROM]->(a:Actor)
WITH k, e, u, a ORDER BY e.date, e.id
RETURN k {.id, .name, .kind, .domain, .firm, .citation, .assumption,
          capabilities: [(k)-[:BUILDS]->(c:Capability) | c {.id, .name, .channel, .citation}]} AS knowledge,
       [row IN collect(CASE WHEN e IS NULL THEN null ELSE
          {id: e.id, channel: e.channel, date: e.date, citation: e.citation,
           assumption: e.assumption, unit: u {.id, .name, .role, .country, .firm},
           source: a {.id, .name, .kind, .country}} END) WHERE row IS NOT NULL] AS learning
