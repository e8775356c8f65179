// List each unit of a firm with its flows in and out counted by counterpart (HQ level, hub,
// peer) and its brokerage: the distinct pairs (a, b) with a -> unit -> b, a <> b, and no
// direct flow a -> b.
// params: firm: STRING
// returns: unit
// (:Unit)-[:FLOWS]->(:Unit {firm: $firm})-[:FLOWS]->(:Unit)
MATCH (u:Unit)
WHERE u.firm = $firm
OPTIONAL MATCH (u)-[:FLOWS]->(out:Unit)
WITH u, collect(out.role) AS outRoles
OPTIONAL MATCH (u)<-[:FLOWS]-(inn:Unit)
WITH u, outRoles, collect(inn.role) AS inRoles
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
