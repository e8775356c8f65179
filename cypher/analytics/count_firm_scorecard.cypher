// Count what a firm's robustness scorecard needs from its units and events: subsidiaries,
// the flows they sent up (to a regional hub, the HQ or its centre), the firm's learning
// events (at any unit), the hubs and their brokerage, and the integration steps by tier. The flow and
// brokerage counts are kept on the units, so this reads no flow.
// params: firm: STRING
// returns: counts
// (:Unit {firm: $firm, outflow_hq, outflow_hub, brokerage}), (:IntegrationEvent {firm: $firm})
MATCH (u:Unit)
WHERE u.firm = $firm
OPTIONAL MATCH (u)-[:LEARNED]->(e:LearningEvent)
WITH u, count(e) AS learned
WITH
  sum(CASE WHEN u.role IN ['subsidiary', 'core_subsidiary'] THEN 1 ELSE 0 END) AS subsidiaries,
  sum(CASE WHEN u.role IN ['subsidiary', 'core_subsidiary']
      THEN coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) ELSE 0 END) AS reverseFlows,
  sum(learned) AS learning,
  sum(CASE WHEN u.role IN ['hq', 'capability_centre', 'regional_hq'] THEN 1 ELSE 0 END) AS hubs,
  sum(CASE WHEN u.role IN ['hq', 'capability_centre', 'regional_hq']
      THEN coalesce(u.brokerage, 0) ELSE 0 END) AS hubBrokerage
OPTIONAL MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
WITH subsidiaries, reverseFlows, learning, hubs, hubBrokerage,
     collect(DISTINCT i.tier + ':' + i.step) AS steps
RETURN {subsidiaries: subsidiaries, reverseFlows: reverseFlows,
        learning: learning, hubs: hubs, hubBrokerage: hubBrokerage,
        steps: steps} AS counts
