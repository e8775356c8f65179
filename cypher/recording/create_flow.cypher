// Record knowledge passed from one unit to another.
// params: from: STRING, to: STRING, props: MAP
// returns: flow: FlowView
// (:Unit)-[:FLOWS]->(:Unit), (:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(:Unit)
// (:Unit {outflow_hq, ..., brokerage}), (:Knowledge {flowed, hq_arrival_dates, hq_arrivals_undated})
MATCH (a:Unit {id: $from})
MATCH (b:Unit {id: $to})
CREATE (a)-[r:FLOWS]->(b)
SET r = $props
// Keep the units' derived flow counts and brokerage (hubMetrics reads them): count the flow
// by the counterpart's tier, and when it links the two units for the first time, the pairs
// each now brokers (a -> b -> x, y -> a -> b) and the pair (a, b) that the units between
// them no longer broker. All from the graph as it was before this flow's SENDS_* link.
WITH a, b, r
OPTIONAL MATCH (a)-[old:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(b)
WITH a, b, r, count(old) = 0 AS newPair
FOREACH (_ IN CASE WHEN b.role IN ['hq', 'capability_centre'] THEN [1] ELSE [] END |
  SET a.outflow_hq = coalesce(a.outflow_hq, 0) + 1)
FOREACH (_ IN CASE WHEN b.role = 'regional_hq' THEN [1] ELSE [] END |
  SET a.outflow_hub = coalesce(a.outflow_hub, 0) + 1)
FOREACH (_ IN CASE WHEN b.role IN ['subsidiary', 'core_subsidiary'] THEN [1] ELSE [] END |
  SET a.outflow_peer = coalesce(a.outflow_peer, 0) + 1)
FOREACH (_ IN CASE WHEN a.role IN ['hq', 'capability_centre'] THEN [1] ELSE [] END |
  SET b.inflow_hq = coalesce(b.inflow_hq, 0) + 1)
FOREACH (_ IN CASE WHEN a.role = 'regional_hq' THEN [1] ELSE [] END |
  SET b.inflow_hub = coalesce(b.inflow_hub, 0) + 1)
FOREACH (_ IN CASE WHEN a.role IN ['subsidiary', 'core_subsidiary'] THEN [1] ELSE [] END |
  SET b.inflow_peer = coalesce(b.inflow_peer, 0) + 1)
WITH a, b, r, newPair
OPTIONAL MATCH (b)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(x:Unit)
WHERE newPair
WITH a, b, r, newPair, collect(DISTINCT x) AS outB
OPTIONAL MATCH (a)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(c:Unit)<-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]-(b)
WHERE newPair
WITH a, b, r, newPair, outB, count(DISTINCT c) AS commonOut
OPTIONAL MATCH (y:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(a)
WHERE newPair
WITH a, b, r, newPair, outB, commonOut, collect(DISTINCT y) AS inA
OPTIONAL MATCH (a)<-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]-(d:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(b)
WHERE newPair
WITH a, b, r, newPair, outB, commonOut, inA, count(DISTINCT d) AS commonIn
OPTIONAL MATCH (a)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(m:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS]->(b)
WHERE newPair
WITH a, b, r, newPair, outB, commonOut, inA, commonIn, collect(DISTINCT m) AS middles
SET b.brokerage = coalesce(b.brokerage, 0) + CASE WHEN newPair
      THEN size(outB) - CASE WHEN a IN outB THEN 1 ELSE 0 END - commonOut ELSE 0 END,
    a.brokerage = coalesce(a.brokerage, 0) + CASE WHEN newPair
      THEN size(inA) - CASE WHEN b IN inA THEN 1 ELSE 0 END - commonIn ELSE 0 END
FOREACH (m IN middles | SET m.brokerage = coalesce(m.brokerage, 0) - 1)
WITH a, b, r, a.id + '>' + b.id AS pair
// Note the pair on the knowledge item it carries (the item's flows are read from its pairs).
// Both lists below are sets kept in order, as a whole case writes them, so a graph does not
// depend on the order its flows were recorded in.
OPTIONAL MATCH (item:Knowledge {id: coalesce($props.knowledge, '')})
FOREACH (_ IN CASE WHEN item IS NOT NULL THEN [1] ELSE [] END |
  SET item.flowed = [p IN coalesce(item.flowed, []) WHERE p < pair] + [pair] +
        [p IN coalesce(item.flowed, []) WHERE p > pair])
// A flow into the HQ level from below is an arrival of its item at HQ: keep its date among
// the item's arrival dates, or count it undated (transferLag reads them).
FOREACH (_ IN CASE WHEN item IS NOT NULL AND b.role IN ['hq', 'capability_centre']
                    AND NOT a.role IN ['hq', 'capability_centre'] THEN [1] ELSE [] END |
  SET item.hq_arrival_dates = CASE WHEN $props.date IS NULL THEN coalesce(item.hq_arrival_dates, [])
        ELSE [d IN coalesce(item.hq_arrival_dates, []) WHERE d < $props.date] + [$props.date] +
             [d IN coalesce(item.hq_arrival_dates, []) WHERE d > $props.date] END,
      item.hq_arrivals_undated = coalesce(item.hq_arrivals_undated, 0) +
        CASE WHEN $props.date IS NULL THEN 1 ELSE 0 END)
WITH a, b, r
// Keep the derived pair summary counting this flow, and showing it when it is the earliest
// (by date, undated last, then id).
FOREACH (_ IN CASE WHEN $props.direction = 'upward' THEN [1] ELSE [] END |
  MERGE (a)-[s:SENDS_UP]->(b)
  ON CREATE SET s.direction = $props.direction, s.flows = 0, s.firm = $props.firm
  SET s.flows = s.flows + 1
  FOREACH (__ IN CASE WHEN s.first_flow IS NULL
                        OR ($props.date IS NOT NULL AND (s.first_date IS NULL
                            OR $props.date < s.first_date
                            OR ($props.date = s.first_date AND $props.id < s.first_flow)))
                        OR ($props.date IS NULL AND s.first_date IS NULL AND $props.id < s.first_flow)
                  THEN [1] ELSE [] END |
    SET s.first_flow = $props.id, s.first_mode = $props.mode,
        s.first_knowledge = $props.knowledge, s.first_date = $props.date,
        s.first_citation = $props.citation, s.first_assumption = $props.assumption,
        s.first_recorded_at = $props.recorded_at))
FOREACH (_ IN CASE WHEN $props.direction = 'downward' THEN [1] ELSE [] END |
  MERGE (a)-[s:SENDS_DOWN]->(b)
  ON CREATE SET s.direction = $props.direction, s.flows = 0, s.firm = $props.firm
  SET s.flows = s.flows + 1
  FOREACH (__ IN CASE WHEN s.first_flow IS NULL
                        OR ($props.date IS NOT NULL AND (s.first_date IS NULL
                            OR $props.date < s.first_date
                            OR ($props.date = s.first_date AND $props.id < s.first_flow)))
                        OR ($props.date IS NULL AND s.first_date IS NULL AND $props.id < s.first_flow)
                  THEN [1] ELSE [] END |
    SET s.first_flow = $props.id, s.first_mode = $props.mode,
        s.first_knowledge = $props.knowledge, s.first_date = $props.date,
        s.first_citation = $props.citation, s.first_assumption = $props.assumption,
        s.first_recorded_at = $props.recorded_at))
FOREACH (_ IN CASE WHEN $props.direction = 'horizontal' THEN [1] ELSE [] END |
  MERGE (a)-[s:SENDS_ACROSS]->(b)
  ON CREATE SET s.direction = $props.direction, s.flows = 0, s.firm = $props.firm
  SET s.flows = s.flows + 1
  FOREACH (__ IN CASE WHEN s.first_flow IS NULL
                        OR ($props.date IS NOT NULL AND (s.first_date IS NULL
                            OR $props.date < s.first_date
                            OR ($props.date = s.first_date AND $props.id < s.first_flow)))
                        OR ($props.date IS NULL AND s.first_date IS NULL AND $props.id < s.first_flow)
                  THEN [1] ELSE [] END |
    SET s.first_flow = $props.id, s.first_mode = $props.mode,
        s.first_knowledge = $props.knowledge, s.first_date = $props.date,
        s.first_citation = $props.citation, s.first_assumption = $props.assumption,
        s.first_recorded_at = $props.recorded_at))
RETURN r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption, .recorded_at,
          source: a.id, target: b.id} AS flow
