// List each unit of a firm with its flows in and out counted by counterpart (HQ level, hub,
// peer) and its brokerage: the distinct pairs (a, b) with flows a -> unit -> b, a <> b, and
// no direct flow a -> b. Both are kept on the unit by every write that adds flows (counting
// them from the flows would walk a million relationships; brokerage compares every pair of
// a hub's neighbours), so this reads one node per unit.
// params: firm: STRING
// returns: unit
// (:Unit {firm: $firm, outflow_hq, outflow_hub, outflow_peer, inflow_hq, ..., brokerage})
MATCH (u:Unit)
WHERE u.firm = $firm
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
RETURN u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: boss.id,
          outflowHq: coalesce(u.outflow_hq, 0), outflowHub: coalesce(u.outflow_hub, 0),
          outflowPeer: coalesce(u.outflow_peer, 0), inflowHq: coalesce(u.inflow_hq, 0),
          inflowHub: coalesce(u.inflow_hub, 0), inflowPeer: coalesce(u.inflow_peer, 0),
          brokerage: coalesce(u.brokerage, 0)} AS unit
ORDER BY unit.id
