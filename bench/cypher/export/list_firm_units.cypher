// List a firm's units with the unit each reports to (the benchmark's export of the graph).
// params: firm: STRING
// returns: unit
MATCH (u:Unit)
WHERE u.firm = $firm
OPTIONAL MATCH (u)-[:REPORTS_TO]->(b:Unit)
RETURN u {.id, .name, .role, .country, .firm, reportsTo: b.id} AS unit
