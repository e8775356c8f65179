// List the flows between each of the given firms' units, one page per firm (flows(firm:)).
// A firm's units are found through the Unit.firm index, then their outgoing flows.
// Each page holds the flows after the keyset cursor ($cursorKey, $cursorId; with
// $backward the ones before it, nearest first), in date order
// ($descending: newest first; undated flows come last either way), then by id; the sort key
// is the date, or "~" ("" when descending) for an undated flow. $firm, $knowledge, $since and
// $until (partial dates, overlapping at their common precision) filter. The page is cut per
// parent inside the subquery, so only its rows are built; total counts every flow the
// filters keep, whatever the cursor, and only when $counted (0 otherwise).
// params: firm: STRING, knowledge: STRING, since: STRING, until: STRING, descending: BOOLEAN, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER, counted: BOOLEAN, firms: LIST<STRING>
// returns: page
// (:Unit {firm})-[:FLOWS]->(:Unit)
UNWIND $firms AS parent
CALL {
  WITH parent
  MATCH (a:Unit {firm: parent})-[r:FLOWS]->(b:Unit)
  WITH r, a.id AS source, b.id AS target,
       CASE WHEN $descending THEN coalesce(r.date, '') ELSE coalesce(r.date, '~') END AS key
  WHERE ($firm IS NULL OR r.firm = $firm)
    AND ($knowledge IS NULL OR r.knowledge = $knowledge)
    AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
    AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
    AND ($cursorId IS NULL OR CASE WHEN $descending <> $backward
         THEN key < $cursorKey OR (key = $cursorKey AND r.id < $cursorId)
         ELSE key > $cursorKey OR (key = $cursorKey AND r.id > $cursorId) END)
  WITH r, source, target, key
  ORDER BY CASE WHEN $descending <> $backward THEN key END DESC,
           CASE WHEN $descending <> $backward THEN r.id END DESC, key, r.id
  LIMIT $limit
  RETURN collect(r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption,
                    .recorded_at, source: source, target: target, key: key}) AS items
}
CALL {
  WITH parent
  WITH parent WHERE $counted
  MATCH (:Unit {firm: parent})-[r:FLOWS]->(:Unit)
  WHERE ($firm IS NULL OR r.firm = $firm)
    AND ($knowledge IS NULL OR r.knowledge = $knowledge)
    AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
    AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
  RETURN count(r) AS total
}
RETURN {parent: parent, total: total, items: items} AS page
