// List each given unit with its chain of bosses up to the HQ (for checking flow directions).
// params: ids: LIST<STRING>
// returns: lineage
// (:Unit)-[:REPORTS_TO*0..6]->(:Unit)
UNWIND $ids AS wanted
MATCH (u:Unit {id: wanted})
OPTIONAL MATCH chain = (u)-[:REPORTS_TO*1..6]->(:Unit)
WITH u, chain ORDER BY length(chain) DESC
WITH u, collect(chain)[0] AS longest
RETURN {id: u.id, firm: u.firm, role: u.role,
        bosses: CASE WHEN longest IS NULL THEN []
                ELSE [b IN tail(nodes(longest)) | b {.id, .role}] END} AS lineage
ORDER BY lineage.id
