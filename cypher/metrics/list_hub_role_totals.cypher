// List, per unit role in a firm, how many units have it and their total knowledge outflow
// and inflow: the subsidiaries' means are the thresholds of the Gupta & Govindarajan roles,
// and the counts are the sizes of the hub-metric pages. The flow counts are kept on each
// unit by every write that adds flows, so this reads one node per unit and no relationship.
// params: firm: STRING
// returns: totals
// (:Unit {firm: $firm, role, outflow_hq, outflow_hub, outflow_peer, inflow_hq, ...})
MATCH (u:Unit)
WHERE u.firm = $firm
WITH u.role AS role, count(u) AS units,
     sum(coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0))
       AS outflow,
     sum(coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0) + coalesce(u.inflow_peer, 0))
       AS inflow
RETURN {role: role, units: units, outflow: outflow, inflow: inflow} AS totals
ORDER BY totals.role
