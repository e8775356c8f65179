// What did the firm leverage, renew and release, when, at which tier, from which knowledge?
// A firm's integration events (or every firm's; optionally one step) in time order. The
// events are ordered and cut to the row limit before their knowledge and resources are
// looked up.
// params: firm: STRING = null, step: STRING = null, rowLimit: INTEGER
// returns: firm, event, step, tier, activity, date, until, unit, knowledge, resources
// (:IntegrationEvent)-[:AT]->(:Unit), -[:USED]->(:Knowledge), -[:INVOLVED]->(:Resource)
MATCH (i:IntegrationEvent)-[:AT]->(u:Unit)
WHERE ($firm IS NULL OR i.firm = $firm) AND ($step IS NULL OR i.step = $step)
WITH i, u
ORDER BY i.firm, i.date, i.step, i.id
LIMIT $rowLimit
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH i, u, collect(k.name) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, u, knowledge, collect(r.name) AS resources
RETURN i.firm AS firm, i.description AS event, i.step AS step, i.tier AS tier,
       i.activity AS activity, i.date AS date, i.until AS until, u.id AS unit,
       knowledge, resources
ORDER BY firm, date, step, i.id
LIMIT $rowLimit
