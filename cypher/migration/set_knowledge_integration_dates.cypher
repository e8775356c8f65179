// Keep on each knowledge item of a firm the distinct dates of the integration events that
// used it, and how many of them are undated, derived from the events: for a graph an older
// kflow wrote (every write keeps them from then on).
// params: firm: STRING
// returns: items
// (:Knowledge {firm: $firm, integration_dates, integrations_undated})
MATCH (k:Knowledge)
WHERE k.firm = $firm
SET k.integration_dates = [], k.integrations_undated = 0
WITH count(k) AS cleared
MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
MATCH (i)-[:USED]->(k:Knowledge)
// In date order, as every other write keeps them.
WITH k, i ORDER BY i.date
WITH k, collect(DISTINCT i.date) AS dates, count(i) - count(i.date) AS undated
SET k.integration_dates = dates, k.integrations_undated = undated
RETURN count(k) AS items
