// Get a knowledge item, with the capabilities it builds and who learned it, from which
// source, through which channel, when; and for the firm of each unit that learned it, where
// its reverse transfers end: the firm's HQ capability centre, or its HQ when it has none.
// params: knowledge: STRING
// returns: knowledge: KnowledgeView, learning: LearningView, targets
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(:Knowledge), (:LearningEvent)-[:FROM]->(:Actor),
// (:Unit:CapabilityCentre {firm}), (:Unit:HQ {firm})
MATCH (k:Knowledge {id: $knowledge})
OPTIONAL MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)-[:YIELDED]->(k)
OPTIONAL MATCH (e)-[:FROM]->(a:Actor)
WITH k, e, u, a ORDER BY e.date, e.id
WITH k, collect(DISTINCT u.firm) AS firms,
     [row IN collect(CASE WHEN e IS NULL THEN null ELSE
        {id: e.id, channel: e.channel, date: e.date, citation: e.citation,
         assumption: e.assumption, unit: u {.id, .name, .role, .country, .firm},
         source: a {.id, .name, .kind, .country}} END) WHERE row IS NOT NULL] AS learning
// A firm has one HQ and few centres, so they are found by label (as the reverse transfer
// walks find them), once per firm of the learners; an item nobody learned has no firm.
UNWIND CASE WHEN size(firms) = 0 THEN [null] ELSE firms END AS firm
OPTIONAL MATCH (centre:CapabilityCentre)
WHERE centre.firm = firm
OPTIONAL MATCH (hq:HQ)
WHERE hq.firm = firm
WITH k, learning, firm, centre, hq ORDER BY centre.id
WITH k, learning, firm, collect(centre.id) + collect(hq.id) AS hubs
WITH k, learning,
     [target IN collect(CASE WHEN firm IS NULL OR hubs[0] IS NULL THEN null
                             ELSE {firm: firm, unit: hubs[0]} END) WHERE target IS NOT NULL] AS targets
RETURN k {.id, .name, .kind, .domain, .firm, .citation, .assumption,
          capabilities: [(k)-[:BUILDS]->(c:Capability) | c {.id, .name, .channel, .citation}]} AS knowledge,
       learning, targets
