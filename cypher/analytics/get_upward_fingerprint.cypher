// Summarise a firm's units in one row, from the flow counts and brokerage that every write
// adding a flow keeps on them: how many units there are, the HQ-level units and hubs by role,
// the firm's flows (each counted once, as its sender's outflow) and its brokerage summed. A
// write that adds a unit or a flow (and so a pair, or an earlier first flow of a pair)
// changes this row, so the release analysis keeps a firm's dominator tree while the row stays
// the same, and rebuilds it from list_upward_links when it changes. It reads the units only:
// counting the pairs themselves takes hundreds of milliseconds at 85,000 pairs.
// params: firm: STRING
// returns: units, upper, flows, brokerage
// (:Unit {firm: $firm, role, outflow_hq, outflow_hub, outflow_peer, brokerage})
MATCH (u:Unit)
WHERE u.firm = $firm
RETURN count(u) AS units,
       collect(CASE WHEN u.role IN ['hq', 'capability_centre', 'regional_hq']
                    THEN u.role + ':' + u.id END) AS upper,
       sum(coalesce(u.outflow_hq, 0) + coalesce(u.outflow_hub, 0) + coalesce(u.outflow_peer, 0))
         AS flows,
       sum(coalesce(u.brokerage, 0)) AS brokerage
