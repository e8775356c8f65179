// Link a batch of integration events to the units in their Table 5 roles. Rows are
// {from, to, role} with role 'sponsor', 'beneficiary' or 'coordinator'.
// params: rows: LIST<MAP>
// returns: created
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit)
UNWIND $rows AS row
MATCH (i:IntegrationEvent {id: row.from})
MATCH (u:Unit {id: row.to})
FOREACH (_ IN CASE WHEN row.role = 'sponsor' THEN [1] ELSE [] END |
  CREATE (i)-[:SPONSORED_BY]->(u))
FOREACH (_ IN CASE WHEN row.role = 'beneficiary' THEN [1] ELSE [] END |
  CREATE (i)-[:BENEFITS]->(u))
FOREACH (_ IN CASE WHEN row.role = 'coordinator' THEN [1] ELSE [] END |
  CREATE (i)-[:COORDINATED_BY]->(u))
RETURN count(*) AS created
