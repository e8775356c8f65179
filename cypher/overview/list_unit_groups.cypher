// List a firm's subsidiaries grouped by the unit they report to: how many, how many core,
// and the flows they sent up, received from above and sent to peers (from the flow counts
// kept on each unit, so no flow is walked).
// params: firm: STRING
// returns: hub, units, core, flows_up, flows_down, flows_across
// (:Unit {firm: $firm, outflow_hq, outflow_hub, outflow_peer, inflow_hq, inflow_hub})
MATCH (u:Unit {firm: $firm})
WHERE u.role IN ['subsidiary', 'core_subsidiary']
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
WITH boss.id AS hub, u
RETURN hub,
       count(u) AS units,
       sum(CASE WHEN u.role = 'core_subsidiary' THEN 1 ELSE 0 END) AS core,
       sum(coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0)) AS flows_up,
       sum(coalesce(u.inflow_hq, 0) + coalesce(u.inflow_hub, 0)) AS flows_down,
       sum(coalesce(u.outflow_peer, 0)) AS flows_across
ORDER BY hub
