// List one page of a firm's units (of the given roles, or all) with their flows in and out
// counted by counterpart (HQ level, hub, peer) and their brokerage: the distinct pairs
// (a, b) with flows a -> unit -> b, a <> b, and no direct flow a -> b. Both are kept on the
// unit by every write that adds flows (counting them from the flows would walk a million
// relationships), so this reads one node per unit. $orderBy is 'unit' (by id), or
// 'brokerage', 'outflow' or 'inflow' (largest first, then by id). The page is cut before
// each unit's regional HQ is looked up.
// params: firm: STRING, roles: LIST<STRING>, orderBy: STRING, skip: INTEGER, limit: INTEGER
// returns: unit: UnitView
// (:Unit {firm: $firm, outflow_hq, ..., brokerage})-[:REPORTS_TO]->(:Unit)
MATCH (u:Unit)
WHERE u.firm = $firm AND ($roles IS NULL OR u.role IN $roles)
WITH u,
     coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0)
       AS outflow,
     coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0) + coalesce(u.inflow_peer, 0) AS inflow
WITH u,
     CASE $orderBy
       WHEN 'brokerage' THEN coalesce(u.brokerage, 0)
       WHEN 'outflow' THEN outflow
       WHEN 'inflow' THEN inflow
       ELSE 0
     END AS rank
ORDER BY rank DESC, u.id
SKIP $skip
LIMIT $limit
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
WITH u, rank, boss
ORDER BY rank DESC, u.id
RETURN u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: boss.id,
          outflowHq: coalesce(u.outflow_hq, 0), outflowHub: coalesce(u.outflow_hub, 0),
          outflowPeer: coalesce(u.outflow_peer, 0), inflowHq: coalesce(u.inflow_hq, 0),
          inflowHub: coalesce(u.inflow_hub, 0), inflowPeer: coalesce(u.inflow_peer, 0),
          brokerage: coalesce(u.brokerage, 0)} AS unit
