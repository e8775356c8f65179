// List one page of a firm's knowledge items with the learning events that yielded each.
// params: firm: STRING, skip: INTEGER, limit: INTEGER
// returns: id, name, learned
MATCH (k:Knowledge)
WHERE k.firm = $firm
WITH k ORDER BY k.id SKIP $skip LIMIT $limit
OPTIONAL MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)-[:YIELDED]->(k)
RETURN k.id AS id, k.name AS name, collect({id: e.id, date: e.date, unit: u.id}) AS learned
