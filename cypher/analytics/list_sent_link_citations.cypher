// List, for each of the units $units, the citations and assumptions of the pairs of units it
// sends knowledge to upward or sideways (SENDS_UP, SENDS_ACROSS; each pair cited by its
// earliest flow, as the pair summary keeps it): the facts its upward routes rest on. With
// $asOf only the pairs whose earliest flow is dated on or before it, compared at the coarser
// precision of the two dates, as the release analysis counts them.
// params: units: LIST<STRING>, asOf: STRING
// returns: unit, citations, assumptions
// (:Unit {id})-[:SENDS_UP|SENDS_ACROSS {first_date, first_citation, first_assumption}]->(:Unit)
UNWIND $units AS unitId
MATCH (u:Unit {id: unitId})-[s:SENDS_UP|SENDS_ACROSS]->(:Unit)
WHERE $asOf IS NULL
   OR (s.first_date IS NOT NULL
       AND left(s.first_date, size($asOf)) <= left($asOf, size(s.first_date)))
RETURN unitId AS unit, collect(DISTINCT s.first_citation) AS citations,
       collect(DISTINCT s.first_assumption) AS assumptions
