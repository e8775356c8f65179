// Get a cross-border project: its customer, third actors, units with their parts, the
// dependencies between them, and who coordinates.
// params: project: STRING
// returns: project
// (:Unit)-[:WORKS_ON]->(:Project)-[:FOR]->(:Actor), (:Project)-[:COORDINATED_BY]->(:Unit)
MATCH (p:Project {id: $project})
OPTIONAL MATCH (p)-[:FOR]->(customer:Actor)
OPTIONAL MATCH (p)-[:COORDINATED_BY]->(coordinator:Unit)
OPTIONAL MATCH (p)-[:INVOLVES]->(third:Actor)
WITH p, customer, coordinator, collect(third {.id, .name, .kind, .country}) AS thirdActors
OPTIONAL MATCH (member:Unit)-[w:WORKS_ON]->(p)
WITH p, customer, coordinator, thirdActors,
     collect({unit: member {.id, .name, .role, .country, .firm}, part: w.part}) AS members
OPTIONAL MATCH (a:Unit)-[d:DEPENDS_ON]->(b:Unit)
WHERE d.project = $project
WITH p, customer, coordinator, thirdActors, members,
     collect(CASE WHEN d IS NULL THEN null ELSE {source: a.id, target: b.id, kind: d.kind} END)
       AS dependencies
RETURN p {.id, .name, .country, .interdependence, .firm, .citation, .assumption,
          customer: customer {.id, .name, .kind, .country},
          coordinator: coordinator {.id, .name, .role, .country, .firm},
          thirdActors: thirdActors,
          units: [m IN members WHERE m.unit IS NOT NULL],
          dependencies: dependencies} AS project
