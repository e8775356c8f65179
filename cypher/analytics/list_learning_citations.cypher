// List, per unit of a firm below the HQ level that learned, the citations and assumptions of
// its learning events: the facts its transfer lags start from.
// params: firm: STRING
// returns: unit, citations, assumptions
// (:Unit)-[:LEARNED]->(:LearningEvent {firm: $firm})
MATCH (e:LearningEvent)
WHERE e.firm = $firm
MATCH (e)<-[:LEARNED]-(learner:Unit)
WHERE NOT learner.role IN ['hq', 'capability_centre']
RETURN learner.id AS unit, collect(DISTINCT e.citation) AS citations,
       collect(DISTINCT e.assumption) AS assumptions
