// For a cross-border customer project: which subsidiaries depend on which, how, and who
// coordinates?
// One row per dependency between the project's units (or one row with no dependency when
// the paper names none).
// params: project: STRING, rowLimit: INTEGER
// returns: project, interdependence, customer, coordinator, coordinator_role, from_unit, to_unit, kind, citation, assumption
// (:Project)-[:COORDINATED_BY]->(:Unit), (:Unit)-[:DEPENDS_ON {project}]->(:Unit)
MATCH (p:Project {id: $project})
OPTIONAL MATCH (p)-[:FOR]->(c:Actor)
OPTIONAL MATCH (p)-[:COORDINATED_BY]->(boss:Unit)
OPTIONAL MATCH (a:Unit)-[d:DEPENDS_ON]->(b:Unit)
WHERE d.project = $project
RETURN p.name AS project, p.interdependence AS interdependence, c.name AS customer,
       boss.id AS coordinator, boss.role AS coordinator_role, a.id AS from_unit,
       b.id AS to_unit, d.kind AS kind, p.citation AS citation, p.assumption AS assumption
ORDER BY from_unit, to_unit, kind
LIMIT $rowLimit
