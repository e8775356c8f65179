// List, per knowledge item of a firm, the dates of the integration events that used it (the
// dated ones) and how many such events there are in all, dated or not, from the events
// themselves: what the dates every write keeps on the items (integration_dates,
// integrations_undated) must equal.
// params: firm: STRING
// returns: knowledge, dates, events
// (:IntegrationEvent {firm: $firm})-[:USED]->(:Knowledge)
MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
MATCH (i)-[:USED]->(k:Knowledge)
RETURN k.id AS knowledge, collect(i.date) AS dates, count(i) AS events
