// List the citations and assumptions of a firm's records by kind: its flows (each pair of
// units cited by its earliest flow, as the pair summary keeps it), learning events,
// integration events and support. The scorecard's measures each count one of these kinds.
// params: firm: STRING
// returns: kind, citations, assumptions
// (:Unit {firm: $firm})-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS|SUPPORTED]->(:Unit), (:LearningEvent {firm: $firm}), (:IntegrationEvent {firm: $firm})
MATCH (a:Unit)-[s:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(:Unit)
WHERE a.firm = $firm
RETURN 'flows' AS kind, collect(DISTINCT s.first_citation) AS citations,
       collect(DISTINCT s.first_assumption) AS assumptions
UNION ALL
MATCH (e:LearningEvent)
WHERE e.firm = $firm
RETURN 'learning' AS kind, collect(DISTINCT e.citation) AS citations,
       collect(DISTINCT e.assumption) AS assumptions
UNION ALL
MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
RETURN 'integration' AS kind, collect(DISTINCT i.citation) AS citations,
       collect(DISTINCT i.assumption) AS assumptions
UNION ALL
MATCH (:Unit)-[s:SUPPORTED]->(:Unit)
WHERE s.firm = $firm
RETURN 'support' AS kind, collect(DISTINCT s.citation) AS citations,
       collect(DISTINCT s.assumption) AS assumptions
