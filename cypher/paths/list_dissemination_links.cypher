// List the links knowledge can take downward or sideways out of the given units: for each
// ordered pair of units, the earliest downward or horizontal flow between them (by date,
// undated last, then id); with $knowledge, only flows that carry that item. The service walks
// these level by level (a breadth-first search), so each unit is reached at its shortest
// distance without enumerating paths. At most $cap links per call: a call that returns
// $cap may have left some out, and the service asks again for half the units at a time.
// params: from: LIST<STRING>, knowledge: STRING, cap: INTEGER
// returns: link
// (:Unit)-[:SENDS_DOWN|SENDS_ACROSS]->(:Unit), (:Unit)-[:FLOWS {knowledge: $knowledge}]->(:Unit)
UNWIND $from AS unitId
MATCH (a:Unit {id: unitId})
CALL {
  WITH a
  WITH a WHERE $knowledge IS NULL
  MATCH (a)-[s:SENDS_DOWN|SENDS_ACROSS]->(b:Unit)
  RETURN b, {id: s.first_flow, direction: s.direction, mode: s.first_mode,
             knowledge: s.first_knowledge, date: s.first_date, citation: s.first_citation,
             assumption: s.first_assumption, recorded_at: s.first_recorded_at,
             source: a.id, target: b.id} AS flow
  UNION ALL
  WITH a
  WITH a WHERE $knowledge IS NOT NULL
  MATCH (a)-[r:FLOWS {knowledge: $knowledge}]->(b:Unit)
  WHERE r.direction IN ['downward', 'horizontal']
  RETURN b, r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption,
               .recorded_at, source: a.id, target: b.id} AS flow
}
WITH a, b, flow
ORDER BY a.id, b.id, flow.date IS NULL, flow.date, flow.id
WITH a, b, collect(flow)[0] AS flow
LIMIT $cap
RETURN {from: a.id, unit: b {.id, .name, .role, .country, .firm}, flow: flow} AS link
