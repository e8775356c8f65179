// List the firms with integration events whose IntegrationCell counts are missing, or keep
// no list of their first events: written by a kflow older than the counts or the lists.
// Every write keeps the cells of a firm once it has events, so on an up-to-date graph this
// reads the cells of each firm, not its events.
// params: (none)
// returns: firm
// (:Firm), (:IntegrationCell {of_firm, first_ids}), (:IntegrationEvent {firm})
MATCH (f:Firm)
OPTIONAL MATCH (c:IntegrationCell {of_firm: f.id})
WITH f, count(c) AS cells, count(c.first_ids) AS listed
WHERE cells = 0 OR listed < cells
MATCH (i:IntegrationEvent {firm: f.id})
RETURN DISTINCT f.id AS firm
ORDER BY firm
