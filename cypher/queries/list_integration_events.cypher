// What did the firm leverage, renew and release, when, at which tier, from which knowledge?
// A firm's integration events (or every firm's; optionally one step) in time order, with
// the units in Fu et al.'s Table 5 roles (empty where the source names none) and each
// event's citation and what it assumes. The events are ordered and cut to the row limit
// before their roles, knowledge and resources are looked up.
// params: firm: STRING = null, step: STRING = null, rowLimit: INTEGER
// returns: firm, event, step, tier, activity, date, until, sponsors, beneficiaries, coordinator, knowledge, resources, citation, assumption
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource)
MATCH (i:IntegrationEvent)
WHERE ($firm IS NULL OR i.firm = $firm) AND ($step IS NULL OR i.step = $step)
WITH i
ORDER BY i.firm, i.date, i.step, i.id
LIMIT $rowLimit
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH i, collect(k.name) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, knowledge, collect(r.name) AS resources
OPTIONAL MATCH (i)-[:SPONSORED_BY]->(sponsor:Unit)
WITH i, knowledge, resources, collect(sponsor.id) AS sponsors
OPTIONAL MATCH (i)-[:BENEFITS]->(beneficiary:Unit)
WITH i, knowledge, resources, sponsors, collect(beneficiary.id) AS beneficiaries
OPTIONAL MATCH (i)-[:COORDINATED_BY]->(coordinator:Unit)
WITH i, knowledge, resources, sponsors, beneficiaries, head(collect(coordinator.id)) AS coordinator
RETURN i.firm AS firm, i.description AS event, i.step AS step, i.tier AS tier,
       i.activity AS activity, i.date AS date, i.until AS until, sponsors, beneficiaries,
       coordinator, knowledge, resources, i.citation AS citation, i.assumption AS assumption
ORDER BY firm, date, step, i.id
LIMIT $rowLimit
