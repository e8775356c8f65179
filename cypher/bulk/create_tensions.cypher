// Create a batch of a firm's collaborative tensions and the units they are between.
// Rows are {props, units}.
// params: firmId: STRING, rows: LIST<MAP>
// returns: created
// (:Firm)-[:FACES]->(:Tension)-[:BETWEEN]->(:Unit)
MATCH (f:Firm {id: $firmId})
UNWIND $rows AS row
CREATE (f)-[:FACES]->(t:Tension)
SET t = row.props
FOREACH (unitId IN row.units |
  MERGE (u:Unit {id: unitId})
  MERGE (t)-[:BETWEEN]->(u))
RETURN count(t) AS created
