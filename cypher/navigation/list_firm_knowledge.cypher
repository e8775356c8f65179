// List the knowledge items of each of the given firms, one page per firm (Firm.knowledge
// batched, and knowledge(firm:)), and with $everyFirm every firm's as one more page whose
// parent is null (the root knowledge list without a firm), by name then id, after the keyset
// cursor ($cursorKey, $cursorId; with $backward the ones before it, nearest first); total
// counts every item, whatever the cursor. Items are found through the Knowledge.firm index
// (each item belongs to one firm, so every firm's make the page of every firm); the page is
// cut before an item's capabilities are read.
// params: firms: LIST<STRING>, everyFirm: BOOLEAN, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: KnowledgeView
// (:Knowledge {firm})-[:BUILDS]->(:Capability)
OPTIONAL MATCH (f:Firm)
WHERE $everyFirm
WITH [firm IN $firms | {parent: firm, firm: firm}] +
     [firm IN collect(f.id) | {parent: null, firm: firm}] AS groups
UNWIND groups AS grouped
WITH grouped.parent AS parent, grouped.firm AS firm
MATCH (k:Knowledge {firm: firm})
WITH parent, k
ORDER BY parent, CASE WHEN $backward THEN k.name END DESC,
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
