// Which units are hubs, brokers, bottlenecks or isolated spokes?
// Per unit of a firm: flows in and out, brokerage (distinct pairs a -> unit -> b with no
// direct flow a -> b), and whether it is isolated (no flow at all).
// params: firm: STRING
// returns: unit, role, inflow, outflow, brokerage, isolated
// (:Unit)-[:FLOWS]->(:Unit {firm: $firm})-[:FLOWS]->(:Unit)
MATCH (u:Unit)
WHERE u.firm = $firm
OPTIONAL MATCH (u)-[o:FLOWS]->()
WITH u, count(o) AS outflow
OPTIONAL MATCH (u)<-[i:FLOWS]-()
WITH u, outflow, count(i) AS inflow
OPTIONAL MATCH (a:Unit)-[:FLOWS]->(u)-[:FLOWS]->(b:Unit)
WHERE a <> b AND NOT (a)-[:FLOWS]->(b)
WITH u, outflow, inflow, count(DISTINCT [a.id, b.id]) AS brokerage
RETURN u.id AS unit, u.role AS role, inflow, outflow, brokerage,
       inflow + outflow = 0 AS isolated
ORDER BY brokerage DESC, outflow DESC, unit
