// List the knowledge items of each of the given firms (all items for a null firm), one page
// per firm (Firm.knowledge batched, and the root knowledge list), by name then id, after the
// keyset cursor ($cursorKey, $cursorId; with $backward the ones before it, nearest first); total counts every item, whatever the cursor. A
// firm's items are found through the Knowledge.firm index.
// params: firms: LIST<STRING>, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page
// (:Knowledge {firm})-[:BUILDS]->(:Capability)
UNWIND $firms AS parent
CALL {
  WITH parent
  WITH parent WHERE parent IS NOT NULL
  MATCH (k:Knowledge {firm: parent})
  RETURN k
  UNION ALL
  WITH parent
  WITH parent WHERE parent IS NULL
  MATCH (k:Knowledge)
  RETURN k
}
WITH parent, k, k.name AS key
ORDER BY parent, key, k.id
WITH parent, collect({k: k, key: key}) AS rows
WITH parent, size(rows) AS total, [x IN rows WHERE $cursorId IS NULL OR CASE WHEN $backward
       THEN x.key < $cursorKey OR (x.key = $cursorKey AND x.k.id < $cursorId)
       ELSE x.key > $cursorKey OR (x.key = $cursorKey AND x.k.id > $cursorId) END] AS kept
WITH parent, total, CASE WHEN $backward THEN reverse(kept) ELSE kept END AS kept
WITH parent, total, kept[0..$limit] AS page
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS i
WITH parent, total, i, page[i].k AS k, page[i].key AS key
OPTIONAL MATCH (k)-[:BUILDS]->(c:Capability)
WITH parent, total, i, k, key, collect(c {.id, .name, .channel, .citation}) AS capabilities
ORDER BY i
WITH parent, total, collect(CASE WHEN k IS NULL THEN null ELSE
       {key: key, id: k.id, name: k.name, kind: k.kind, domain: k.domain, firm: k.firm,
        citation: k.citation, assumption: k.assumption, capabilities: capabilities} END) AS items
RETURN {parent: parent, total: total, items: items} AS page
