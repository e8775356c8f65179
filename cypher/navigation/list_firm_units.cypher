// List the units of each of the given firms, one page per firm (Firm.units, batched across
// firms, and firmNetwork's pages), found through the Unit.firm index; $role and $country
// filter. $orderBy is 'name' (the sort key is the name) or 'flow_volume' (the flows a unit
// sent and received, from the counts every flow write keeps on the unit, zero-padded to 12
// digits so keys compare as strings; with $descending, most first). Each page holds the units
// after the keyset cursor ($cursorKey, $cursorId; with $backward the ones before it, nearest
// first), then by id, cut per firm before a unit's boss is read; total counts every unit the
// filters keep, whatever the cursor.
// params: firms: LIST<STRING>, role: STRING, country: STRING, orderBy: STRING, descending: BOOLEAN, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: UnitView
// (:Unit {firm, outflow_*, inflow_*}), (:Unit)-[:REPORTS_TO]->(:Unit)
UNWIND $firms AS parent
MATCH (u:Unit {firm: parent})
WHERE ($role IS NULL OR u.role = $role) AND ($country IS NULL OR u.country = $country)
WITH parent, u, CASE WHEN $orderBy = 'flow_volume'
  THEN right('000000000000' + toString(toInteger(
         coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0) +
         coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0) + coalesce(u.inflow_peer, 0))), 12)
  ELSE u.name END AS key
ORDER BY parent, CASE WHEN $descending <> $backward THEN key END DESC,
         CASE WHEN $descending <> $backward THEN u.id END DESC, key, u.id
WITH parent, count(u) AS total,
     collect(CASE WHEN $cursorId IS NULL OR CASE WHEN $descending <> $backward
               THEN key < $cursorKey OR (key = $cursorKey AND u.id < $cursorId)
               ELSE key > $cursorKey OR (key = $cursorKey AND u.id > $cursorId) END
             THEN {u: u, key: key} END)[0..$limit] AS page
// The page's units are unwound in order (a firm with an empty page as one null row) to read
// each one's boss, then collected again in that order.
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS i
WITH parent, total, i, page[i].u AS u, page[i].key AS key
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
WITH parent, total, i, u, key, head(collect(boss.id)) AS reportsTo
ORDER BY i
WITH parent, total, collect(CASE WHEN u IS NULL THEN null ELSE
       u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: reportsTo, key: key} END) AS items
RETURN {parent: parent, total: total, items: items} AS page
