// Get the unit a reverse transfer from a unit ends at by default: its firm's HQ capability
// centre, or the HQ when the firm has none.
// params: from: STRING
// returns: target
// (:Unit)-[:PART_OF]->(:Firm)<-[:PART_OF]-(:Unit:CapabilityCentre | :Unit:HQ)
MATCH (source:Unit {id: $from})-[:PART_OF]->(f:Firm)
OPTIONAL MATCH (f)<-[:PART_OF]-(centre:CapabilityCentre)
OPTIONAL MATCH (f)<-[:PART_OF]-(hq:HQ)
WITH source, centre, hq ORDER BY centre.id
WITH source, collect(centre)[0] AS centre, collect(hq)[0] AS hq
RETURN {source: source.id, target: coalesce(centre.id, hq.id)} AS target
