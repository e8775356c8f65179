// List every flow that carried one knowledge item, in time order (undated last). The item
// lists the pairs of units it went between (`flowed`, kept by every write that adds a flow),
// so only those pairs' flows are read, never all the flows of the graph.
// params: knowledge: STRING
// returns: flow: FlowView
// (:Knowledge {flowed}), (:Unit)-[:FLOWS {knowledge: $knowledge}]->(:Unit)
MATCH (k:Knowledge {id: $knowledge})
UNWIND coalesce(k.flowed, []) AS pair
WITH split(pair, '>') AS ends
WITH ends[0] AS sourceId, ends[1] AS targetId
MATCH (a:Unit {id: sourceId})
MATCH (b:Unit {id: targetId})
WITH a, b
MATCH (a)-[r:FLOWS]->(b)
WHERE r.knowledge = $knowledge
RETURN r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption, .recorded_at,
          source: a.id, target: b.id} AS flow
ORDER BY flow.date, flow.id
