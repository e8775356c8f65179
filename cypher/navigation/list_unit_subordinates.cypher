// List the units reporting directly to each of the given units, one page per unit
// (Unit.subordinates, batched across units), by name then id, after the keyset cursor
// ($afterKey, $afterId); total counts every subordinate, whatever the cursor.
// params: units: LIST<STRING>, afterKey: STRING, afterId: STRING, limit: INTEGER
// returns: page: UnitView
// (:Unit)-[:REPORTS_TO]->(:Unit)
UNWIND $units AS parent
MATCH (u:Unit)-[:REPORTS_TO]->(:Unit {id: parent})
WITH parent, u, u.name AS key
ORDER BY parent, key, u.id
WITH parent, collect({u: u, key: key}) AS rows
WITH parent, size(rows) AS total, [x IN rows WHERE $afterId IS NULL OR x.key > $afterKey
       OR (x.key = $afterKey AND x.u.id > $afterId)][0..$limit] AS page
RETURN {parent: parent, total: total,
        items: [x IN page | {key: x.key, id: x.u.id, name: x.u.name, role: x.u.role,
                             country: x.u.country, market: x.u.market, firm: x.u.firm,
                             citation: x.u.citation, assumption: x.u.assumption,
                             reportsTo: parent}]} AS page
