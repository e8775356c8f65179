// List the units of each of the given firms, one page per firm (Firm.units, batched across
// firms, and firmNetwork's pages), found through the Unit.firm index; $role and $country
// filter. $orderBy is 'name' (the sort key is the name) or 'flow_volume' (the flows a unit
// sent and received, from the counts every flow write keeps on the unit, zero-padded to 12
// digits so keys compare as strings; with $descending, most first). Each page holds the
// units after the keyset cursor ($cursorKey, $cursorId; with
// $backward the ones before it, nearest first), then by id, cut per firm inside the
// subquery so only its rows are built; total counts every unit the filters keep, whatever
// the cursor.
// params: firms: LIST<STRING>, role: STRING, country: STRING, orderBy: STRING, descending: BOOLEAN, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page
// (:Unit {firm, outflow_*, inflow_*}), (:Unit)-[:REPORTS_TO]->(:Unit)
UNWIND $firms AS parent
CALL {
  WITH parent
  MATCH (u:Unit {firm: parent})
  WITH u, CASE WHEN $orderBy = 'flow_volume'
    THEN right('000000000000' + toString(toInteger(
           coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0) +
           coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0) + coalesce(u.inflow_peer, 0))), 12)
    ELSE u.name END AS key
  WHERE ($role IS NULL OR u.role = $role) AND ($country IS NULL OR u.country = $country)
    AND ($cursorId IS NULL OR CASE WHEN $descending <> $backward
         THEN key < $cursorKey OR (key = $cursorKey AND u.id < $cursorId)
         ELSE key > $cursorKey OR (key = $cursorKey AND u.id > $cursorId) END)
  WITH u, key
  ORDER BY CASE WHEN $descending <> $backward THEN key END DESC,
           CASE WHEN $descending <> $backward THEN u.id END DESC, key, u.id
  LIMIT $limit
  OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
  WITH u, key, boss
  ORDER BY CASE WHEN $descending <> $backward THEN key END DESC,
           CASE WHEN $descending <> $backward THEN u.id END DESC, key, u.id
  RETURN collect(u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
                    reportsTo: boss.id, key: key}) AS items
}
CALL {
  WITH parent
  MATCH (u:Unit {firm: parent})
  WHERE ($role IS NULL OR u.role = $role) AND ($country IS NULL OR u.country = $country)
  RETURN count(u) AS total
}
RETURN {parent: parent, total: total, items: items} AS page
