// List each unit of a firm with its flows in and out counted by counterpart (HQ level, hub,
// peer) and its brokerage: the distinct pairs (a, b) with a -> unit -> b, a <> b, and no
// direct flow a -> b.
// params: firm: STRING
// returns: unit
// (:Unit)-[:FLOWS]->(:Unit {firm: $firm})-[:FLOWS]->(:Unit)
MATCH (u:Unit)
WHERE u.firm = $firm
// Bind each flow to a variable: parallel flows between the same two units each count
// (the embedded engine collapses them when the relationship is left anonymous).
OPTIONAL MATCH (u)-[sent:FLOWS]->(out:Unit)
WITH u, collect(CASE WHEN sent IS NULL THEN null ELSE out.role END) AS outRoles
OPTIONAL MATCH (u)<-[received:FLOWS]-(inn:Unit)
WITH u, outRoles, collect(CASE WHEN received IS NULL THEN null ELSE inn.role END) AS inRoles
OPTIONAL MATCH (a:Unit)-[:FLOWS]->(u)-[:FLOWS]->(b:Unit)
WHERE a <> b AND NOT (a)-[:FLOWS]->(b)
WITH u, outRoles, inRoles, count(DISTINCT [a.id, b.id]) AS brokerage
RETURN u {.id, .name, .role, .country, .firm,
          outflowHq: size([r IN outRoles WHERE r IN ['hq', 'capability_centre']]),
          outflowHub: size([r IN outRoles WHERE r = 'regional_hq']),
          outflowPeer: size([r IN outRoles WHERE r IN ['subsidiary', 'core_subsidiary']]),
          inflowHq: size([r IN inRoles WHERE r IN ['hq', 'capability_centre']]),
          inflowHub: size([r IN inRoles WHERE r = 'regional_hq']),
          inflowPeer: size([r IN inRoles WHERE r IN ['subsidiary', 'core_subsidiary']]),
          brokerage: brokerage} AS unit
ORDER BY unit.id
