// Which hubs pass on the most knowledge?
// Regional HQs, capability centres and HQs ranked by the flows they send and the distinct
// units they reach directly.
// params: firm: STRING = null
// returns: firm, unit, role, outflow, receivers
// (:RegionalHQ | :CapabilityCentre | :HQ)-[:FLOWS]->(:Unit)
MATCH (h:Unit)-[r:FLOWS]->(to:Unit)
WHERE h.role IN ['regional_hq', 'capability_centre', 'hq'] AND ($firm IS NULL OR h.firm = $firm)
RETURN h.firm AS firm, h.id AS unit, h.role AS role, count(r) AS outflow,
       count(DISTINCT to) AS receivers
ORDER BY outflow DESC, receivers DESC, unit
