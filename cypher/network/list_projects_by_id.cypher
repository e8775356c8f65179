// List the cross-border projects with the given ids: each one's customer, third actors, units
// with their parts, the dependencies between them, and who coordinates (projectInterdependence,
// and Relay's node(id) and nodes(ids) for a project, batched).
// params: ids: LIST<STRING>
// returns: project: ProjectView
// (:Unit)-[:WORKS_ON]->(:Project)-[:FOR]->(:Actor), (:Project)-[:COORDINATED_BY]->(:Unit)
UNWIND $ids AS wanted
MATCH (p:Project {id: wanted})
OPTIONAL MATCH (p)-[:FOR]->(customer:Actor)
OPTIONAL MATCH (p)-[:COORDINATED_BY]->(coordinator:Unit)
OPTIONAL MATCH (p)-[:INVOLVES]->(third:Actor)
WITH p, customer, coordinator, collect(third {.id, .name, .kind, .country}) AS thirdActors
OPTIONAL MATCH (member:Unit)-[w:WORKS_ON]->(p)
WITH p, customer, coordinator, thirdActors,
     collect({unit: member {.id, .name, .role, .country, .firm}, part: w.part}) AS members
OPTIONAL MATCH (a:Unit)-[d:DEPENDS_ON]->(b:Unit)
WHERE d.project = p.id
WITH p, customer, coordinator, thirdActors, members,
     collect(CASE WHEN d IS NULL THEN null ELSE {source: a.id, target: b.id, kind: d.kind} END)
       AS dependencies
RETURN p {.id, .name, .country, .interdependence, .firm, .citation, .assumption,
          customer: customer {.id, .name, .kind, .country},
          coordinator: coordinator {.id, .name, .role, .country, .firm},
          thirdActors: thirdActors,
          units: [m IN members WHERE m.unit IS NOT NULL],
          dependencies: dependencies} AS project
