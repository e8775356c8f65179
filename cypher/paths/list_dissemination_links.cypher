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
// Each walk starts from a unit that is null unless it is the walk asked for, so the summary
// walk never reads a unit's FLOWS and the item's walk never reads the summaries.
WITH a, CASE WHEN $knowledge IS NULL THEN a END AS summarised,
     CASE WHEN $knowledge IS NOT NULL THEN a END AS carrier
OPTIONAL MATCH (summarised)-[s:SENDS_DOWN|SENDS_ACROSS]->(summaryTarget:Unit)
OPTIONAL MATCH (carrier)-[r:FLOWS {knowledge: $knowledge}]->(itemTarget:Unit)
WHERE r.direction IN ['downward', 'horizontal']
WITH a, s, r, coalesce(summaryTarget, itemTarget) AS b
WHERE b IS NOT NULL
WITH a, b, CASE WHEN s IS NOT NULL
       THEN {id: s.first_flow, direction: s.direction, mode: s.first_mode,
             knowledge: s.first_knowledge, date: s.first_date, citation: s.first_citation,
             assumption: s.first_assumption, recorded_at: s.first_recorded_at,
             source: a.id, target: b.id}
       ELSE {id: r.id, direction: r.direction, mode: r.mode, knowledge: r.knowledge,
             date: r.date, citation: r.citation, assumption: r.assumption,
             recorded_at: r.recorded_at, source: a.id, target: b.id} END AS flow
WITH a, b, flow
ORDER BY a.id, b.id, flow.date IS NULL, flow.date, flow.id
WITH a, b, collect(flow)[0] AS flow
LIMIT $cap
RETURN {from: a.id, unit: b {.id, .name, .role, .country, .firm}, flow: flow} AS link
