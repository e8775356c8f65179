// Where was knowledge disseminated, down the hierarchy and sideways?
// Every downward or horizontal flow of a firm (or of every firm), optionally of one
// knowledge item, in time order (undated last).
// params: firm: STRING = null, knowledge: STRING = null
// returns: firm, knowledge, from_unit, to_unit, direction, mode, date
// (:Unit)-[:FLOWS {direction: downward|horizontal}]->(:Unit)
MATCH (a:Unit)-[r:FLOWS]->(b:Unit)
WHERE r.direction IN ['downward', 'horizontal']
  AND ($firm IS NULL OR r.firm = $firm)
  AND ($knowledge IS NULL OR r.knowledge = $knowledge)
RETURN r.firm AS firm, r.knowledge AS knowledge, a.id AS from_unit, b.id AS to_unit,
       r.direction AS direction, r.mode AS mode, r.date AS date
ORDER BY firm, date, from_unit, to_unit
