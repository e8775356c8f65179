// Who learned which knowledge from whom, and which capability did it build?
// One row per unit, source and knowledge item (and capability it builds, if any), for a
// firm or for every firm.
// params: firm: STRING = null, knowledge: STRING = null, rowLimit: INTEGER
// returns: firm, unit, source, source_kind, channel, knowledge, knowledge_kind, capability, citation, assumption
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor), -[:YIELDED]->(:Knowledge)-[:BUILDS]->(:Capability)
MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a:Actor)
MATCH (e)-[:YIELDED]->(k:Knowledge)
WHERE ($firm IS NULL OR u.firm = $firm) AND ($knowledge IS NULL OR k.id = $knowledge)
OPTIONAL MATCH (k)-[:BUILDS]->(c:Capability)
WITH u, e, a, k, c
ORDER BY u.firm, u.id, a.name, k.name, c.name
LIMIT $rowLimit
RETURN u.firm AS firm, u.id AS unit, a.name AS source, a.kind AS source_kind,
       e.channel AS channel, k.name AS knowledge, k.kind AS knowledge_kind,
       c.name AS capability, e.citation AS citation, e.assumption AS assumption
ORDER BY firm, unit, source, knowledge, capability
LIMIT $rowLimit
