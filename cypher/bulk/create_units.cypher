// Create a batch of a new firm's units, each with its role label and PART_OF the firm.
// Rows are {props}; props hold only model fields, never free-form keys.
// params: firmId: STRING, rows: LIST<MAP>
// returns: created
// (:Unit:<Role>)-[:PART_OF]->(:Firm)
MATCH (f:Firm {id: $firmId})
UNWIND $rows AS row
CREATE (u:Unit)-[:PART_OF]->(f)
SET u = row.props
FOREACH (_ IN CASE WHEN row.props.role = 'hq' THEN [1] ELSE [] END | SET u:HQ)
FOREACH (_ IN CASE WHEN row.props.role = 'capability_centre' THEN [1] ELSE [] END | SET u:CapabilityCentre)
FOREACH (_ IN CASE WHEN row.props.role = 'regional_hq' THEN [1] ELSE [] END | SET u:RegionalHQ)
FOREACH (_ IN CASE WHEN row.props.role = 'core_subsidiary' THEN [1] ELSE [] END | SET u:CoreSubsidiary)
FOREACH (_ IN CASE WHEN row.props.role = 'subsidiary' THEN [1] ELSE [] END | SET u:Subsidiary)
RETURN count(u) AS created
