// Which knowledge learned from outside became an integration, and at which tier?
// Knowledge a unit learned from a customer, collaborator or host country that an
// integration event then used. Narrow it with `channel` (customers, cooperation,
// host_country) and `tier` (low, high): channel=customers tier=high asks which customer
// knowledge became a cross-functional integration. The rows are ordered and cut to the row
// limit before the learning unit and source are looked up (every learning event has both).
// params: firm: STRING = null, channel: STRING = null, tier: STRING = null, rowLimit: INTEGER
// returns: firm, knowledge, learned_by, source, channel, event, step, tier, date, citation, assumption
// (:Actor)<-[:FROM]-(:LearningEvent)-[:YIELDED]->(:Knowledge)<-[:USED]-(:IntegrationEvent)
MATCH (e:LearningEvent)-[:YIELDED]->(k:Knowledge)<-[:USED]-(i:IntegrationEvent)
WHERE ($channel IS NULL OR e.channel = $channel) AND ($tier IS NULL OR i.tier = $tier)
  AND ($firm IS NULL OR k.firm = $firm)
WITH e, k, i
ORDER BY k.firm, k.name, i.date, k.id, i.id, e.id
LIMIT $rowLimit
MATCH (a:Actor)<-[:FROM]-(e)
MATCH (u:Unit)-[:LEARNED]->(e)
RETURN k.firm AS firm, k.name AS knowledge, u.id AS learned_by, a.name AS source,
       e.channel AS channel, i.description AS event, i.step AS step, i.tier AS tier,
       i.date AS date, [e.citation, i.citation] AS citation,
       [x IN [e.assumption, i.assumption] WHERE x IS NOT NULL] AS assumption
ORDER BY firm, knowledge, date, k.id, i.id, e.id
LIMIT $rowLimit
