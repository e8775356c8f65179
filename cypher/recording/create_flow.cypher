// Record knowledge passed from one unit to another.
// params: from: STRING, to: STRING, props: MAP
// returns: flow
// (:Unit)-[:FLOWS]->(:Unit), (:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(:Unit)
MATCH (a:Unit {id: $from})
MATCH (b:Unit {id: $to})
CREATE (a)-[r:FLOWS]->(b)
SET r = $props
// Keep the derived pair summary (SENDS_UP / SENDS_DOWN / SENDS_ACROSS) counting this flow.
FOREACH (_ IN CASE WHEN $props.direction = 'upward' THEN [1] ELSE [] END |
  MERGE (a)-[s:SENDS_UP]->(b)
  ON CREATE SET s.flows = 0, s.firm = $props.firm
  SET s.flows = s.flows + 1)
FOREACH (_ IN CASE WHEN $props.direction = 'downward' THEN [1] ELSE [] END |
  MERGE (a)-[s:SENDS_DOWN]->(b)
  ON CREATE SET s.flows = 0, s.firm = $props.firm
  SET s.flows = s.flows + 1)
FOREACH (_ IN CASE WHEN $props.direction = 'horizontal' THEN [1] ELSE [] END |
  MERGE (a)-[s:SENDS_ACROSS]->(b)
  ON CREATE SET s.flows = 0, s.firm = $props.firm
  SET s.flows = s.flows + 1)
RETURN r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption, .recorded_at,
          source: a {.id, .name, .role, .country, .firm},
          target: b {.id, .name, .role, .country, .firm}} AS flow
