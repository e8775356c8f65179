// List the units reporting directly to each of the given units, one page per unit
// (Unit.subordinates, batched across units), by name then id, after the keyset cursor
// ($cursorKey, $cursorId; with $backward the ones before it, nearest first); total counts
// every subordinate, whatever the cursor.
// params: units: LIST<STRING>, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: UnitView
// (:Unit)-[:REPORTS_TO]->(:Unit)
UNWIND $units AS parent
MATCH (u:Unit)-[:REPORTS_TO]->(:Unit {id: parent})
WITH parent, u, u.name AS key
ORDER BY parent, key, u.id
WITH parent, collect({u: u, key: key}) AS rows
WITH parent, size(rows) AS total, [x IN rows WHERE $cursorId IS NULL OR CASE WHEN $backward
       THEN x.key < $cursorKey OR (x.key = $cursorKey AND x.u.id < $cursorId)
       ELSE x.key > $cursorKey OR (x.key = $cursorKey AND x.u.id > $cursorId) END] AS kept
WITH parent, total, CASE WHEN $backward THEN reverse(kept) ELSE kept END AS kept
WITH parent, total, kept[0..$limit] AS page
RETURN {parent: parent, total: total,
        items: [x IN page | {key: x.key, id: x.u.id, name: x.u.name, role: x.u.role,
                             country: x.u.country, market: x.u.market, firm: x.u.firm,
                             citation: x.u.citation, assumption: x.u.assumption,
                             reportsTo: parent}]} AS page
