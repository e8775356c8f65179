// List what the units of each of the given firms learned from outside sources, one page per
// firm (learningEvents(firm:)), and with $everyFirm every firm's as one more page whose
// parent is null (learningEvents without a firm or unit), in date order (undated last: the
// sort key is the date, or "~"), then by id, after the keyset cursor ($cursorKey, $cursorId;
// with $backward the ones before it, nearest first); $since and $until (partial dates,
// overlapping at their common precision) filter; total counts every event the filters keep,
// whatever the cursor. Events are found through the LearningEvent.firm index (each event
// belongs to one firm, so every firm's make the page of every firm). The page is cut before
// an event's unit and source are read.
// params: firms: LIST<STRING>, everyFirm: BOOLEAN, since: STRING, until: STRING, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: LearningView
// (:LearningEvent {firm}), (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor)
OPTIONAL MATCH (f:Firm)
WHERE $everyFirm
WITH [firm IN $firms | {parent: firm, firm: firm}] +
     [firm IN collect(f.id) | {parent: null, firm: firm}] AS groups
UNWIND groups AS grouped
WITH grouped.parent AS parent, grouped.firm AS firm
MATCH (e:LearningEvent {firm: firm})
WHERE (:Unit)-[:LEARNED]->(e) AND (e)-[:FROM]->(:Actor)
  AND ($since IS NULL OR (e.date IS NOT NULL AND left(e.date, size($since)) >= left($since, size(e.date))))
  AND ($until IS NULL OR (e.date IS NOT NULL AND left(e.date, size($until)) <= left($until, size(e.date))))
WITH parent, e, coalesce(e.date, '~') AS key
ORDER BY parent, CASE WHEN $backward THEN key END DESC,
         CASE WHEN $backward THEN e.id END DESC, key, e.id
WITH parent, count(e) AS total,
     collect(CASE WHEN $cursorId IS NULL OR CASE WHEN $backward
               THEN key < $cursorKey OR (key = $cursorKey AND e.id < $cursorId)
               ELSE key > $cursorKey OR (key = $cursorKey AND e.id > $cursorId) END THEN {e: e, key: key} END)[0..$limit] AS page
// The page's events are unwound in order (an empty page as one null row) to read each one's
// unit and source, then collected again in that order.
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS i
WITH parent, total, i, page[i].e AS e, page[i].key AS key
OPTIONAL MATCH (u:Unit)-[:LEARNED]->(e)-[:FROM]->(a:Actor)
WITH parent, total, i, e, key, u, a
ORDER BY i
WITH parent, total, collect(CASE WHEN e IS NULL THEN null ELSE
       {key: key, id: e.id, channel: e.channel, date: e.date, citation: e.citation,
        assumption: e.assumption, unit: u {.id, .name, .role, .country, .firm},
        source: a {.id, .name, .kind, .country}} END) AS items
RETURN {parent: parent, total: total, items: items} AS page
