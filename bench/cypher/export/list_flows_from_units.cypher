// List the flows some units sent, one row a flow (the benchmark's export of the graph).
// params: ids: LIST<STRING>
// returns: source, target, id, direction, mode, knowledge, date
UNWIND $ids AS uid
MATCH (a:Unit {id: uid})-[r:FLOWS]->(b:Unit)
RETURN a.id AS source, b.id AS target, r.id AS id, r.direction AS direction, r.mode AS mode,
       r.knowledge AS knowledge, r.date AS date
