// Set data derived from one firm's flows, in one atomic statement: its SENDS_UP /
// SENDS_DOWN / SENDS_ACROSS pair summaries (overwritten where they exist, created where
// they do not), its knowledge items' `flowed` pairs, and its units' flow counts and
// brokerage; the rows are computed from the firm's flows as a case load computes them.
// Sends rows are {from, to, direction, props}, knowledge rows {id, flowed} (the items some
// flow carries), unit rows {id, metrics}. A firm too large for one statement comes in
// batches, its units last: it reads as underived until its units with flows have their
// counts, so a run cut short is finished by the next.
// params: sends: LIST<MAP>, knowledge: LIST<MAP>, units: LIST<MAP>
// returns: rows
// (:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS {flows, first_flow, ...}]->(:Unit)
// (:Knowledge {flowed}), (:Unit {outflow_hq, ..., brokerage})
FOREACH (row IN $sends |
  MERGE (a:Unit {id: row.from})
  MERGE (b:Unit {id: row.to})
  FOREACH (_ IN CASE WHEN row.direction = 'upward' THEN [1] ELSE [] END |
    MERGE (a)-[s:SENDS_UP]->(b) SET s = row.props)
  FOREACH (_ IN CASE WHEN row.direction = 'downward' THEN [1] ELSE [] END |
    MERGE (a)-[s:SENDS_DOWN]->(b) SET s = row.props)
  FOREACH (_ IN CASE WHEN row.direction = 'horizontal' THEN [1] ELSE [] END |
    MERGE (a)-[s:SENDS_ACROSS]->(b) SET s = row.props)
)
FOREACH (row IN $knowledge |
  MERGE (k:Knowledge {id: row.id})
  SET k.flowed = row.flowed
)
FOREACH (row IN $units |
  MERGE (u:Unit {id: row.id})
  SET u += row.metrics
)
RETURN size($sends) + size($knowledge) + size($units) AS rows
