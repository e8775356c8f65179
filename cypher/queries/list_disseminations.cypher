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
// The flows of a pair all sort at or after its earliest one, so the first rows come from
// as many pairs, taken in the order of their earliest flows.
OPTIONAL MATCH (first:Unit)-[s:SENDS_DOWN|SENDS_ACROSS]->(second:Unit)
WHERE $knowledge IS NULL AND ($firm IS NULL OR s.firm = $firm)
WITH first, second, s
ORDER BY s.firm, s.first_date, first.id, second.id
LIMIT $rowLimit
WITH [pair IN collect(CASE WHEN s IS NULL THEN null
                           ELSE {from: first.id, to: second.id, direction: s.direction} END)
      | pair] AS firstPairs
OPTIONAL MATCH (k:Knowledge)
WHERE k.id = $knowledge
WITH firstPairs + [pair IN coalesce(k.flowed, []) |
                   {from: split(pair, '>')[0], to: split(pair, '>')[1], direction: null}] AS pairs
UNWIND pairs AS pair
MATCH (a:Unit {id: pair.from})
MATCH (b:Unit {id: pair.to})
MATCH (a)-[r:FLOWS]->(b)
WHERE r.direction IN ['downward', 'horizontal']
  AND (pair.direction IS NULL OR r.direction = pair.direction)
  AND ($knowledge IS NULL OR r.knowledge = $knowledge)
  AND ($firm IS NULL OR r.firm = $firm)
RETURN r.firm AS firm, r.knowledge AS knowledge, a.id AS from_unit, b.id AS to_unit,
       r.direction AS direction, r.mode AS mode, r.date AS date, r.citation AS citation,
       r.assumption AS assumption
ORDER BY firm, date, from_unit, to_unit, r.id
LIMIT $rowLimit
