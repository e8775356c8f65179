// List one page of the flows between a firm's units (flows(firm:)), found through the
// Unit.firm index, then their outgoing flows. The page holds the flows after the keyset
// cursor ($afterKey, $afterId), in date order ($descending: newest first; undated flows
// come last either way), then by id; the sort key is the date, or "~" ("" when descending)
// for an undated flow. $firm, $knowledge, $since and $until (partial dates, overlapping at
// their common precision) filter. A large firm has a million flows: they are kept to the
// page as they are read (the engine's top-k), never sorted whole, and a unit's far end is
// read for the page alone. total counts every flow the filters keep, whatever the cursor,
// only when $counted (a second walk, which starts from no unit otherwise; 0 then).
// params: firm: STRING, knowledge: STRING, since: STRING, until: STRING, descending: BOOLEAN, afterKey: STRING, afterId: STRING, limit: INTEGER, counted: BOOLEAN, parent: STRING
// returns: page: FlowView
// (:Unit {firm})-[:FLOWS]->(:Unit)
MATCH (:Unit {firm: $parent})-[r:FLOWS]->()
WHERE ($firm IS NULL OR r.firm = $firm)
  AND ($knowledge IS NULL OR r.knowledge = $knowledge)
  AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
  AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
WITH r, CASE WHEN $descending THEN coalesce(r.date, '') ELSE coalesce(r.date, '~') END AS key
WHERE $afterId IS NULL OR CASE WHEN $descending
      THEN key < $afterKey OR (key = $afterKey AND r.id < $afterId)
      ELSE key > $afterKey OR (key = $afterKey AND r.id > $afterId) END
WITH r, key
ORDER BY CASE WHEN $descending THEN key END DESC, CASE WHEN $descending THEN r.id END DESC,
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
