// List the flows between a firm's units grouped by pair and direction, with their volume and
// the flows themselves (dated first), for drawing the network.
// params: firm: STRING
// returns: link
// (:Unit {firm: $firm})-[:FLOWS]->(:Unit)
MATCH (a:Unit)-[r:FLOWS]->(b:Unit)
WHERE r.firm = $firm
WITH a, b, r ORDER BY r.date, r.id
WITH a.id AS source, b.id AS target, r.direction AS direction,
     collect(r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption,
                .recorded_at, source: a.id, target: b.id}) AS flows
RETURN {source: source, target: target, direction: direction, volume: size(flows),
        flows: flows} AS link
ORDER BY link.source, link.target, link.direction
