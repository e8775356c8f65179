// Create a batch of links between actors (acquired, subcontracts to, subunit of, joint venture with).
// Rows are {from, to, props}; the relationship type follows props.kind.
// params: rows: LIST<MAP>
// returns: created
// (:Actor)-[:ACQUIRED|SUBCONTRACTS_TO|SUBUNIT_OF|JOINT_VENTURE_WITH]->(:Actor)
UNWIND $rows AS row
MATCH (a:Actor {id: row.from})
MATCH (b:Actor {id: row.to})
FOREACH (_ IN CASE WHEN row.props.kind = 'acquired' THEN [1] ELSE [] END |
  CREATE (a)-[l:ACQUIRED]->(b) SET l = row.props)
FOREACH (_ IN CASE WHEN row.props.kind = 'subcontracts_to' THEN [1] ELSE [] END |
  CREATE (a)-[l:SUBCONTRACTS_TO]->(b) SET l = row.props)
FOREACH (_ IN CASE WHEN row.props.kind = 'subunit_of' THEN [1] ELSE [] END |
  CREATE (a)-[l:SUBUNIT_OF]->(b) SET l = row.props)
FOREACH (_ IN CASE WHEN row.props.kind = 'joint_venture_with' THEN [1] ELSE [] END |
  CREATE (a)-[l:JOINT_VENTURE_WITH]->(b) SET l = row.props)
RETURN count(*) AS created
