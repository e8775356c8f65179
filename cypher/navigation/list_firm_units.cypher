// List the units of each of the given firms, one page per firm (Firm.units, batched across
// firms), found through the Unit.firm index; $role and $country filter. $orderBy is 'name'
// (the sort key is the name) or 'flow_volume' (the flows a unit sent and received, from the
// counts every flow write keeps on the unit, zero-padded to 12 digits so keys compare as
// strings; with $descending, most first). Each page holds
// the units after the keyset cursor ($afterKey, $afterId), then by id; total counts every
// unit the filters keep, whatever the cursor.
// params: firms: LIST<STRING>, role: STRING, country: STRING, orderBy: STRING, descending: BOOLEAN, afterKey: STRING, afterId: STRING, limit: INTEGER
// returns: page
// (:Unit {firm, outflow_*, inflow_*}), (:Unit)-[:REPORTS_TO]->(:Unit)
UNWIND $firms AS parent
MATCH (u:Unit {firm: parent})
WHERE ($role IS NULL OR u.role = $role) AND ($country IS NULL OR u.country = $country)
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
WITH parent, u, boss, CASE WHEN $orderBy = 'flow_volume'
  THEN right('000000000000' + toString(toInteger(
         coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0) +
         coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0) + coalesce(u.inflow_peer, 0))), 12)
  ELSE u.name END AS key
ORDER BY parent, CASE WHEN $descending THEN key END DESC, CASE WHEN $descending THEN u.id END DESC,
         key, u.id
WITH parent, collect({u: u, boss: boss.id, key: key}) AS rows
WITH parent, size(rows) AS total, [x IN rows WHERE $afterId IS NULL OR CASE WHEN $descending
       THEN x.key < $afterKey OR (x.key = $afterKey AND x.u.id < $afterId)
       ELSE x.key > $afterKey OR (x.key = $afterKey AND x.u.id > $afterId) END][0..$limit] AS page
RETURN {parent: parent, total: total,
        items: [x IN page | {key: x.key, id: x.u.id, name: x.u.name, role: x.u.role,
                             country: x.u.country, market: x.u.market, firm: x.u.firm,
                             citation: x.u.citation, assumption: x.u.assumption,
                             reportsTo: x.boss}]} AS page
