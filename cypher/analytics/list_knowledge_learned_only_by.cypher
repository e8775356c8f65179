// List the knowledge items that units among $units learned, that reached the unit $target
// (a flow carrying the item arrives there), and that no unit outside $units learned: the
// items that would no longer come up to $target if those units were gone. Read from the
// items' learning events and their derived `flowed` pairs, so no flow is walked.
// params: units: LIST<STRING>, target: STRING, limit: INTEGER
// returns: knowledge: KnowledgeView
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(:Knowledge {flowed})-[:BUILDS]->(:Capability)
UNWIND $units AS unitId
MATCH (:Unit {id: unitId})-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(k:Knowledge)
WITH DISTINCT k
WHERE any(pair IN coalesce(k.flowed, []) WHERE pair ENDS WITH ('>' + $target))
MATCH (k)<-[:YIELDED]-(:LearningEvent)<-[:LEARNED]-(learner:Unit)
WITH k, collect(DISTINCT learner.id) AS learners
WHERE all(learnerId IN learners WHERE learnerId IN $units)
WITH k ORDER BY k.id LIMIT $limit
RETURN k {.id, .name, .kind, .domain, .firm, .citation, .assumption,
          capabilities: [(k)-[:BUILDS]->(c:Capability) | c {.id, .name, .channel, .citation}]} AS knowledge
