// List every firm's knowledge items as one page (the root knowledge list without a firm), by
// name then id, after the keyset cursor ($cursorKey, $cursorId; with $backward the ones before
// it, nearest first); total counts every item, whatever the cursor; the page's parent is null.
// The page is cut before an item's capabilities are read.
// params: cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: KnowledgeView
// (:Knowledge)-[:BUILDS]->(:Capability)
MATCH (k:Knowledge)
WITH null AS parent, k
ORDER BY CASE WHEN $backward THEN k.name END DESC,
         CASE WHEN $backward THEN k.id END DESC, k.name, k.id
WITH parent, count(k) AS total,
     collect(CASE WHEN $cursorId IS NULL OR CASE WHEN $backward
               THEN k.name < $cursorKey OR (k.name = $cursorKey AND k.id < $cursorId)
               ELSE k.name > $cursorKey OR (k.name = $cursorKey AND k.id > $cursorId) END THEN k END)[0..$limit] AS page
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS i
WITH parent, total, i, page[i] AS k
OPTIONAL MATCH (k)-[:BUILDS]->(c:Capability)
WITH parent, total, i, k, collect(c {.id, .name, .channel, .citation}) AS capabilities
ORDER BY i
WITH parent, total, collect(CASE WHEN k IS NULL THEN null ELSE
       {key: k.name, id: k.id, name: k.name, kind: k.kind, domain: k.domain, firm: k.firm,
        citation: k.citation, assumption: k.assumption, capabilities: capabilities} END) AS items
RETURN {parent: parent, total: total, items: items} AS page
