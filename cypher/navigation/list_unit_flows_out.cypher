// List the flows each of the given units sent, one page per unit (Unit.flowsOut, batched
// across units, and flows(unit:) with list_unit_flows_in).
// Each page holds the flows after the keyset cursor ($cursorKey, $cursorId; with
// $backward the ones before it, nearest first), in date order
// ($descending: newest first; undated flows come last either way), then by id; the sort key
// is the date, or "~" ("" when descending) for an undated flow. $firm, $knowledge, $since and
// $until (partial dates, overlapping at their common precision) filter. The page is cut per
// parent inside the subquery, so only its rows are built; total counts every flow the
// filters keep, whatever the cursor, and only when $counted (0 otherwise).
// params: firm: STRING, knowledge: STRING, since: STRING, until: STRING, descending: BOOLEAN, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER, counted: BOOLEAN, units: LIST<STRING>
// returns: page
// (:Unit)-[:FLOWS]->(:Unit)
UNWIND $units AS parent
MATCH (u:Unit {id: parent})
CALL {
  WITH u
  MATCH (u)-[r:FLOWS]->(b:Unit)
  WITH r, u.id AS source, b.id AS target,
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
  WITH u
  WITH u WHERE $counted
  MATCH (u)-[r:FLOWS]->(:Unit)
  WHERE ($firm IS NULL OR r.firm = $firm)
    AND ($knowledge IS NULL OR r.knowledge = $knowledge)
    AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
    AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
  RETURN count(r) AS total
}
RETURN {parent: parent, total: total, items: items} AS page
