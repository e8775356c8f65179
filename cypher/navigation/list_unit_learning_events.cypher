// List what each of the given units learned from outside sources, one page per unit
// (Unit.learningEvents batched, and learningEvents(unit:)), in date order (undated last: the
// sort key is the date, or "~"), then by id, after the keyset cursor ($cursorKey, $cursorId;
// with $backward the ones before it, nearest first); $since and $until (partial dates,
// overlapping at their common precision) filter; total counts every event the filters keep,
// whatever the cursor.
// params: units: LIST<STRING>, firm: STRING, since: STRING, until: STRING, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER, withKnowledge: BOOLEAN
// returns: page: LearningView
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor)
UNWIND $units AS parent
MATCH (u:Unit {id: parent})-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a:Actor)
WHERE ($firm IS NULL OR e.firm = $firm)
  AND ($since IS NULL OR (e.date IS NOT NULL AND left(e.date, size($since)) >= left($since, size(e.date))))
  AND ($until IS NULL OR (e.date IS NOT NULL AND left(e.date, size($until)) <= left($until, size(e.date))))
WITH parent, u, e, a, coalesce(e.date, '~') AS key
ORDER BY parent, key, e.id
WITH parent, collect({e: e, key: key, unit: u {.id, .name, .role, .country, .firm},
                       source: a {.id, .name, .kind, .country}}) AS rows
WITH parent, size(rows) AS total, [x IN rows WHERE $cursorId IS NULL OR CASE WHEN $backward
       THEN x.key < $cursorKey OR (x.key = $cursorKey AND x.e.id < $cursorId)
       ELSE x.key > $cursorKey OR (x.key = $cursorKey AND x.e.id > $cursorId) END] AS kept
WITH parent, total, CASE WHEN $backward THEN reverse(kept) ELSE kept END AS kept
WITH parent, total, kept[0..$limit] AS page
// The events of the page are unwound in order (an empty page as one null row) to read, when asked
// ($withKnowledge), the knowledge each yielded with its capabilities, by id, for the
// loaders of the request; then collected again in that order.
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS i
WITH parent, total, i, page[i] AS x
WITH parent, total, i,
     CASE WHEN x IS NULL THEN null ELSE
       {key: x.key, id: x.e.id, channel: x.e.channel, date: x.e.date, citation: x.e.citation,
        assumption: x.e.assumption, unit: x.unit, source: x.source} END AS item,
     CASE WHEN $withKnowledge THEN x.e END AS yielding
OPTIONAL MATCH (yielding)-[:YIELDED]->(k:Knowledge)
OPTIONAL MATCH (k)-[:BUILDS]->(c:Capability)
WITH parent, total, i, item, k, collect(c {.id, .name, .channel, .citation}) AS capabilities
ORDER BY i, k.id
WITH parent, total, i, item,
     collect(CASE WHEN k IS NULL THEN null ELSE
       k {.id, .name, .kind, .domain, .firm, .citation, .assumption,
          capabilities: capabilities} END) AS yielded
ORDER BY i
WITH parent, total, collect(CASE WHEN item IS NULL THEN null ELSE
       item {.*, relatedKnowledge: CASE WHEN $withKnowledge THEN yielded END} END) AS items
RETURN {parent: parent, total: total, items: items} AS page
