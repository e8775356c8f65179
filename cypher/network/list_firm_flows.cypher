// List the flows sent by the given units (one page of a firm's units) grouped by pair and
// direction, with their volume and the flows themselves (by date, then id), for drawing the
// network. Paging through a firm's units this way gives each of its links exactly once.
// params: units: LIST<STRING>
// returns: link: FlowLink
// (:Unit)-[:FLOWS]->(:Unit)
UNWIND $units AS unitId
MATCH (a:Unit {id: unitId})-[r:FLOWS]->(b:Unit)
WITH a, b, r ORDER BY r.date, r.id
WITH a.id AS source, b.id AS target, r.direction AS direction,
     collect(r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption,
                .recorded_at, source: a.id, target: b.id}) AS flows
RETURN {source: source, target: target, direction: direction, volume: size(flows),
        flows: flows} AS link
ORDER BY link.source, link.target, link.direction
