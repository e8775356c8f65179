// Create a batch of cross-border projects with their customer, third actors, coordinator,
// member units and dependencies. Rows are as merge_case's projects.
// params: firmId: STRING, rows: LIST<MAP>
// returns: created
// (:Unit)-[:WORKS_ON {part}]->(:Project)-[:FOR]->(:Actor), (:Project)-[:INVOLVES]->(:Actor),
// (:Project)-[:COORDINATED_BY]->(:Unit), (:Unit)-[:DEPENDS_ON {project, kind}]->(:Unit)
MATCH (f:Firm {id: $firmId})
UNWIND $rows AS row
CREATE (p:Project)-[:OF_FIRM]->(f)
SET p = row.props
FOREACH (customerId IN CASE WHEN row.customer IS NULL THEN [] ELSE [row.customer] END |
  MERGE (c:Actor {id: customerId})
  CREATE (p)-[:FOR]->(c))
FOREACH (actorId IN row.thirdActors |
  MERGE (t:Actor {id: actorId})
  MERGE (p)-[:INVOLVES]->(t))
FOREACH (unitId IN CASE WHEN row.coordinator IS NULL THEN [] ELSE [row.coordinator] END |
  MERGE (c:Unit {id: unitId})
  CREATE (p)-[:COORDINATED_BY]->(c))
FOREACH (member IN row.units |
  MERGE (u:Unit {id: member.unit})
  CREATE (u)-[w:WORKS_ON]->(p)
  SET w = member.props)
FOREACH (dependency IN row.dependencies |
  MERGE (a:Unit {id: dependency.from})
  MERGE (b:Unit {id: dependency.to})
  CREATE (a)-[d:DEPENDS_ON]->(b)
  SET d = dependency.props)
RETURN count(p) AS created
