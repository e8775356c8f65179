// List one page of the flows between a firm's units (flows(firm:)), found through the
// Unit.firm index, then their outgoing flows. The page holds the flows after the keyset cursor
// ($cursorKey, $cursorId; with $backward the ones before it, nearest first), in date order
// ($descending: newest first; undated flows come last either way), then by id; the sort key is
// the date, or "~" ("" when descending) for an undated flow. $firm, $knowledge, $since and
// $until (partial dates, overlapping at their common precision) filter. A large firm has a
// million flows: they are kept to the page as they are read (the engine's top-k), never sorted
// whole, and a unit's far end is read for the page alone. total counts every flow the filters
// keep, whatever the cursor, only when $counted (a second walk, which starts from no unit
// otherwise; 0 then).
// params: firm: STRING, knowledge: STRING, since: STRING, until: STRING, descending: BOOLEAN, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER, counted: BOOLEAN, parent: STRING
// returns: page: FlowView
// (:Unit {firm})-[:FLOWS]->(:Unit)
MATCH (:Unit {firm: $parent})-[r:FLOWS]->()
WHERE ($firm IS NULL OR r.firm = $firm)
  AND ($knowledge IS NULL OR r.knowledge = $knowledge)
  AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
  AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
WITH r, CASE WHEN $descending THEN coalesce(r.date, '') ELSE coalesce(r.date, '~') END AS key
WHERE $cursorId IS NULL OR CASE WHEN $descending <> $backward
      THEN key < $cursorKey OR (key = $cursorKey AND r.id < $cursorId)
      ELSE key > $cursorKey OR (key = $cursorKey AND r.id > $cursorId) END
WITH r, key
ORDER BY CASE WHEN $descending <> $backward THEN key END DESC, CASE WHEN $descending <> $backward THEN r.id END DESC,
         key, r.id
LIMIT $limit
WITH collect(r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption,
                .recorded_at, source: startNode(r).id, target: endNode(r).id, key: key}) AS items
OPTIONAL MATCH (:Unit {firm: CASE WHEN $counted THEN $parent END})-[r:FLOWS]->()
WHERE ($firm IS NULL OR r.firm = $firm)
    AND ($knowledge IS NULL OR r.knowledge = $knowledge)
    AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
    AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
WITH items, count(r) AS total
RETURN {parent: $parent, total: total, items: items} AS page
