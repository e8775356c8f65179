// Get a capability with the knowledge that builds it, and who learned that knowledge from
// which outside source through which channel.
// params: capability: STRING
// returns: capability, knowledge
// (:Actor)<-[:FROM]-(:LearningEvent)-[:YIELDED]->(:Knowledge)-[:BUILDS]->(:Capability)
MATCH (c:Capability {id: $capability})
OPTIONAL MATCH (k:Knowledge)-[:BUILDS]->(c)
OPTIONAL MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)-[:YIELDED]->(k)
OPTIONAL MATCH (e)-[:FROM]->(a:Actor)
WITH c, k, collect(CASE WHEN e IS NULL THEN null ELSE
       {id: e.id, channel: e.channel, date: e.date, citation: e.citation,
        unit: u {.id, .name, .role, .country, .firm}, source: a {.id, .name, .kind, .country}}
     END) AS learning
ORDER BY k.id
RETURN c {.id, .name, .channel, .firm, .citation, .assumption} AS capability,
       [x IN collect(CASE WHEN k IS NULL THEN null ELSE
          {knowledge: k {.id, .name, .kind, .domain, .firm}, learning: learning} END)
        WHERE x IS NOT NULL] AS knowledge
