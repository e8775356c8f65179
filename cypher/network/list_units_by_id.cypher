// Get units by id, in one round trip (the per-request unit loader).
// params: ids: LIST<STRING>
// returns: unit: UnitView
UNWIND $ids AS wanted
MATCH (u:Unit {id: wanted})
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
RETURN u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: boss.id} AS unit
