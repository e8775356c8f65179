// Which hubs pass on the most knowledge?
// Regional HQs, capability centres and HQs ranked by the flows they send and the distinct
// units they reach directly. Both are read from the derived SENDS_* pair summaries (one
// per pair of units and direction, `flows` counting its flows), not from every flow.
// params: firm: STRING = null, rowLimit: INTEGER
// returns: firm, unit, role, outflow, receivers
// (:RegionalHQ | :CapabilityCentre | :HQ)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS {flows}]->(:Unit)
MATCH (h:Unit)-[s:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(to:Unit)
WHERE h.role IN ['regional_hq', 'capability_centre', 'hq'] AND ($firm IS NULL OR h.firm = $firm)
WITH h, toInteger(sum(s.flows)) AS outflow, count(DISTINCT to) AS receivers
RETURN h.firm AS firm, h.id AS unit, h.role AS role, outflow, receivers
ORDER BY outflow DESC, receivers DESC, unit
LIMIT $rowLimit
