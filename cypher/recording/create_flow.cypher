// Record knowledge passed from one unit to another.
// params: from: STRING, to: STRING, props: MAP
// returns: flow
// (:Unit)-[:FLOWS]->(:Unit)
MATCH (a:Unit {id: $from})
MATCH (b:Unit {id: $to})
CREATE (a)-[r:FLOWS]->(b)
SET r = $props
RETURN r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption, .recorded_at,
          source: a {.id, .name, .role, .country, .firm},
          target: b {.id, .name, .role, .country, .firm}} AS flow
