// List the firms with integration events but no IntegrationCell counts: written by a kflow
// older than the counts. Every write keeps the cells of a firm once it has events, so on an
// up-to-date graph this reads the cells of each firm, not its events.
// params: (none)
// returns: firm
// (:Firm), (:IntegrationCell {of_firm}), (:IntegrationEvent {firm})
MATCH (f:Firm)
OPTIONAL MATCH (c:IntegrationCell {of_firm: f.id})
WITH f, count(c) AS cells
WHERE cells = 0
MATCH (i:IntegrationEvent {firm: f.id})
RETURN DISTINCT f.id AS firm
ORDER BY firm
