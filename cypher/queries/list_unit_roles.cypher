// Which units are hubs, brokers, bottlenecks or isolated spokes?
// Per unit of a firm: flows in and out, brokerage (distinct pairs a -> unit -> b with no
// direct flow a -> b), and whether it is isolated (no flow at all). All are read from the
// flow counts and brokerage kept on each unit by every write that adds flows, so this reads
// one node per unit instead of walking every pair of flows.
// params: firm: STRING, rowLimit: INTEGER
// returns: unit, role, inflow, outflow, brokerage, isolated
// (:Unit {firm: $firm, outflow_hq, outflow_hub, outflow_peer, inflow_hq, inflow_hub, inflow_peer, brokerage})
MATCH (u:Unit)
WHERE u.firm = $firm
WITH u,
     coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0) + coalesce(u.inflow_peer, 0)
       AS inflow,
     coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0)
       AS outflow,
     coalesce(u.brokerage, 0) AS brokerage
RETURN u.id AS unit, u.role AS role, inflow, outflow, brokerage,
       inflow + outflow = 0 AS isolated
ORDER BY brokerage DESC, outflow DESC, unit
LIMIT $rowLimit
