// List the flows between each of the given firms' units, one page per firm (flows(firm:)).
// The firm's units are found through the Unit.firm index, then their outgoing flows.
// Each page holds the flows after the keyset cursor ($afterKey, $afterId), in date order
// ($descending: newest first; undated flows come last either way), then by id; the sort key
// is the date, or "~" ("" when descending) for an undated flow. $firm, $knowledge, $since and
// $until (partial dates, overlapping at their common precision) filter; total counts every
// flow of the parent the filters keep, whatever the cursor, so paging never changes it.
// params: firm: STRING, knowledge: STRING, since: STRING, until: STRING, descending: BOOLEAN, afterKey: STRING, afterId: STRING, limit: INTEGER, firms: LIST<STRING>
// returns: page
// (:Unit {firm})-[:FLOWS]->(:Unit)
UNWIND $firms AS parent
MATCH (a:Unit {firm: parent})-[r:FLOWS]->(:Unit)
WITH parent, r, CASE WHEN $descending THEN coalesce(r.date, '') ELSE coalesce(r.date, '~') END AS key
WHERE ($firm IS NULL OR r.firm = $firm)
  AND ($knowledge IS NULL OR r.knowledge = $knowledge)
  AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
  AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
WITH parent, r, key
ORDER BY parent, CASE WHEN $descending THEN key END DESC, CASE WHEN $descending THEN r.id END DESC,
         key, r.id
WITH parent, collect({r: r, key: key}) AS rows
WITH parent, size(rows) AS total, [x IN rows WHERE $afterId IS NULL OR CASE WHEN $descending
       THEN x.key < $afterKey OR (x.key = $afterKey AND x.r.id < $afterId)
       ELSE x.key > $afterKey OR (x.key = $afterKey AND x.r.id > $afterId) END][0..$limit] AS page
RETURN {parent: parent, total: total,
        items: [x IN page | {key: x.key, id: x.r.id, direction: x.r.direction, mode: x.r.mode,
                             knowledge: x.r.knowledge, date: x.r.date, citation: x.r.citation,
                             assumption: x.r.assumption, recorded_at: x.r.recorded_at,
                             source: startNode(x.r).id, target: endNode(x.r).id}]} AS page
