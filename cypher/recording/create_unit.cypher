// Record a new unit of a firm, with its role label and whom it reports to.
// params: firm: STRING, props: MAP, reportsTo: STRING
// returns: unit: UnitView
// (:Unit:<Role>)-[:PART_OF]->(:Firm), (:Unit)-[:REPORTS_TO]->(:Unit)
MATCH (f:Firm {id: $firm})
CREATE (u:Unit)-[:PART_OF]->(f)
SET u = $props
FOREACH (_ IN CASE WHEN $props.role = 'hq' THEN [1] ELSE [] END | SET u:HQ)
FOREACH (_ IN CASE WHEN $props.role = 'capability_centre' THEN [1] ELSE [] END | SET u:CapabilityCentre)
FOREACH (_ IN CASE WHEN $props.role = 'regional_hq' THEN [1] ELSE [] END | SET u:RegionalHQ)
FOREACH (_ IN CASE WHEN $props.role = 'core_subsidiary' THEN [1] ELSE [] END | SET u:CoreSubsidiary)
FOREACH (_ IN CASE WHEN $props.role = 'subsidiary' THEN [1] ELSE [] END | SET u:Subsidiary)
FOREACH (bossId IN CASE WHEN $reportsTo IS NULL THEN [] ELSE [$reportsTo] END |
  MERGE (boss:Unit {id: bossId})
  CREATE (u)-[:REPORTS_TO]->(boss))
RETURN u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: $reportsTo} AS unit
