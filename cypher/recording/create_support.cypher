// Record support one unit gave another.
// params: from: STRING, to: STRING, props: MAP
// returns: support: SupportView
// (:Unit)-[:SUPPORTED]->(:Unit)
MATCH (a:Unit {id: $from})
MATCH (b:Unit {id: $to})
CREATE (a)-[s:SUPPORTED]->(b)
SET s = $props
RETURN s {.id, .project, .description, .date, .citation, .assumption, .recorded_at,
          source: a.id, target: b.id} AS support
