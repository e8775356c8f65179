// Create a batch of the derived SENDS_UP / SENDS_DOWN / SENDS_ACROSS relationships: one per
// ordered pair of units and flow direction, with the count of its flows and the earliest
// flow's fields. Rows are {from, to, direction, props}.
// params: rows: LIST<MAP>
// returns: created
// (:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS {flows, first_flow, ...}]->(:Unit)
UNWIND $rows AS row
MATCH (a:Unit {id: row.from})
MATCH (b:Unit {id: row.to})
FOREACH (_ IN CASE WHEN row.direction = 'upward' THEN [1] ELSE [] END |
  CREATE (a)-[s:SENDS_UP]->(b) SET s = row.props)
FOREACH (_ IN CASE WHEN row.direction = 'downward' THEN [1] ELSE [] END |
  CREATE (a)-[s:SENDS_DOWN]->(b) SET s = row.props)
FOREACH (_ IN CASE WHEN row.direction = 'horizontal' THEN [1] ELSE [] END |
  CREATE (a)-[s:SENDS_ACROSS]->(b) SET s = row.props)
RETURN count(*) AS created
