// List the flows that carried each of the given knowledge items, one page per item
// (Knowledge.flows batched, and flows(knowledge:)). Only the pairs of units an item went
// between (its `flowed` list) are read, never all the flows of the graph. Each page holds the
// flows after the keyset cursor ($cursorKey, $cursorId; with $backward the ones before it,
// nearest first), in date order ($descending: newest first; undated flows come last either
// way), then by id; the sort key is the date, or "~" ("" when descending) for an undated flow.
// $firm, $knowledge, $since and $until (partial dates, overlapping at their common precision)
// filter. Each parent's flows are sorted and cut to the page before any row is built (FLOWS
// join units only, so the far end is read for the page alone); total counts every flow the
// filters keep, whatever the cursor, and only when $counted (0 otherwise).
// params: firm: STRING, knowledge: STRING, since: STRING, until: STRING, descending: BOOLEAN, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER, counted: BOOLEAN, withUnits: BOOLEAN, withKnowledge: BOOLEAN, items: LIST<STRING>
// returns: page: FlowView
// (:Knowledge {flowed}), (:Unit)-[:FLOWS {knowledge}]->(:Unit)
UNWIND $items AS parent
MATCH (k:Knowledge {id: parent})
UNWIND coalesce(k.flowed, []) AS pair
WITH parent, split(pair, '>') AS ends
MATCH (a:Unit {id: ends[0]})
MATCH (b:Unit {id: ends[1]})
// Both ends are found first, so the engine reads only the flows between the two (the
// embedded engine otherwise reads every flow the first sent: a hub sends tens of thousands).
WITH parent, a, b
MATCH (a)-[r:FLOWS]->(b)
WHERE r.knowledge = parent AND ($firm IS NULL OR r.firm = $firm)
  AND ($knowledge IS NULL OR r.knowledge = $knowledge)
  AND ($since IS NULL OR (r.date IS NOT NULL AND left(r.date, size($since)) >= left($since, size(r.date))))
  AND ($until IS NULL OR (r.date IS NOT NULL AND left(r.date, size($until)) <= left($until, size(r.date))))
WITH parent, r, CASE WHEN $descending THEN coalesce(r.date, '') ELSE coalesce(r.date, '~') END AS key
ORDER BY parent, CASE WHEN $descending <> $backward THEN key END DESC,
         CASE WHEN $descending <> $backward THEN r.id END DESC, key, r.id
WITH parent, count(r) AS total,
     collect(CASE WHEN $cursorId IS NULL OR CASE WHEN $descending <> $backward
               THEN key < $cursorKey OR (key = $cursorKey AND r.id < $cursorId)
               ELSE key > $cursorKey OR (key = $cursorKey AND r.id > $cursorId) END
             THEN r END)[0..$limit] AS page
// The flows of the page are unwound in order (an empty page as one null row) to read, when asked,
// the units at both ends ($withUnits) and the knowledge item with its capabilities
// ($withKnowledge), for the loaders of the request; then collected again in that order.
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS i
WITH parent, total, i, page[i] AS r
WITH parent, total, i, r,
     CASE WHEN $withUnits AND r IS NOT NULL THEN startNode(r) END AS a,
     CASE WHEN $withUnits AND r IS NOT NULL THEN endNode(r) END AS b,
     CASE WHEN $withKnowledge AND r IS NOT NULL THEN r.knowledge END AS itemId
OPTIONAL MATCH (a)-[:REPORTS_TO]->(aBoss:Unit)
OPTIONAL MATCH (b)-[:REPORTS_TO]->(bBoss:Unit)
OPTIONAL MATCH (k:Knowledge {id: itemId})
OPTIONAL MATCH (k)-[:BUILDS]->(c:Capability)
WITH parent, total, i, r, a, b, aBoss, bBoss, k,
     collect(c {.id, .name, .channel, .citation}) AS capabilities
ORDER BY i
WITH parent, total, collect(CASE WHEN r IS NULL THEN null ELSE
       r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption, .recorded_at,
          source: startNode(r).id, target: endNode(r).id,
          key: CASE WHEN $descending THEN coalesce(r.date, '') ELSE coalesce(r.date, '~') END,
          relatedUnits: CASE WHEN a IS NULL THEN null ELSE
            [a {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
                reportsTo: aBoss.id},
             b {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
                reportsTo: bBoss.id}] END,
          relatedKnowledge: CASE WHEN NOT $withKnowledge THEN null WHEN k IS NULL THEN []
            ELSE [k {.id, .name, .kind, .domain, .firm, .citation, .assumption,
                     capabilities: capabilities}] END} END) AS items
RETURN {parent: parent, total: CASE WHEN $counted THEN total ELSE 0 END, items: items} AS page
