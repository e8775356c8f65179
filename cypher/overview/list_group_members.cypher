// List the subsidiaries that report to one unit, the busiest first (flows sent and received),
// then by id, at most $limit of them.
// params: firm: STRING, hub: STRING, limit: INTEGER
// returns: unit: UnitView
// (:Unit {firm: $firm, outflow_hq, outflow_hub, outflow_peer, inflow_hq, inflow_hub, inflow_peer})
MATCH (u:Unit {firm: $firm})-[:REPORTS_TO]->(boss:Unit {id: $hub})
WHERE u.role IN ['subsidiary', 'core_subsidiary']
WITH u, boss,
     coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0)
     + coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0) + coalesce(u.inflow_peer, 0) AS busy
ORDER BY busy DESC, u.id
LIMIT $limit
RETURN u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: boss.id} AS unit
