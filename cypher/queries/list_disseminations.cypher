// Where was knowledge disseminated, down the hierarchy and sideways?
// Every downward or horizontal flow of a firm (or of every firm), optionally of one
// knowledge item, in time order (undated last). Without `knowledge`, only the flows of the
// first pairs of units are read: the derived SENDS_DOWN / SENDS_ACROSS pair summaries,
// ordered by their earliest flow, show which pairs can hold the first rows. With
// `knowledge`, the item's flows are read from the pairs it lists (`flowed`).
// params: firm: STRING = null, knowledge: STRING = null, rowLimit: INTEGER
// returns: firm, knowledge, from_unit, to_unit, direction, mode, date, citation, assumption
// (:Unit)-[:SENDS_DOWN|SENDS_ACROSS {first_date}]->(:Unit), (:Knowledge {flowed})
// (:Unit)-[:FLOWS {direction: downward|horizontal}]->(:Unit)
CALL {
  // The flows of a pair all sort at or after its earliest one, so the first rows
  // come from as many pairs, taken in the order of their earliest flows.
  UNWIND CASE WHEN $knowledge IS NULL THEN [1] ELSE [] END AS everything
  MATCH (a:Unit)-[s:SENDS_DOWN|SENDS_ACROSS]->(b:Unit)
  WHERE $firm IS NULL OR s.firm = $firm
  WITH a, b, s
  ORDER BY s.firm, s.first_date, a.id, b.id
  LIMIT $rowLimit
  MATCH (a)-[r:FLOWS]->(b)
  WHERE r.direction = s.direction
  RETURN a, b, r
  UNION ALL
  MATCH (k:Knowledge {id: $knowledge})
  UNWIND coalesce(k.flowed, []) AS pair
  WITH split(pair, '>') AS ends
  WITH ends[0] AS sourceId, ends[1] AS targetId
  MATCH (a:Unit {id: sourceId})
  MATCH (b:Unit {id: targetId})
  WITH a, b
  MATCH (a)-[r:FLOWS]->(b)
  WHERE r.knowledge = $knowledge AND r.direction IN ['downward', 'horizontal']
  RETURN a, b, r
}
WITH a, b, r
WHERE $firm IS NULL OR r.firm = $firm
RETURN r.firm AS firm, r.knowledge AS knowledge, a.id AS from_unit, b.id AS to_unit,
       r.direction AS direction, r.mode AS mode, r.date AS date, r.citation AS citation,
       r.assumption AS assumption
ORDER BY firm, date, from_unit, to_unit
LIMIT $rowLimit
