// List the firms, one page by name then id (firmsConnection), after the keyset cursor
// ($cursorKey, $cursorId; with $backward the ones before it, nearest first); total counts
// every firm, whatever the cursor.
// params: cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: FirmView
// (:Firm)
MATCH (f:Firm)
WITH f, f.name AS key
ORDER BY key, f.id
WITH collect({f: f, key: key}) AS rows
WITH size(rows) AS total, [x IN rows WHERE $cursorId IS NULL OR CASE WHEN $backward
       THEN x.key < $cursorKey OR (x.key = $cursorKey AND x.f.id < $cursorId)
       ELSE x.key > $cursorKey OR (x.key = $cursorKey AND x.f.id > $cursorId) END] AS kept
WITH total, CASE WHEN $backward THEN reverse(kept) ELSE kept END AS kept
RETURN {parent: null, total: total,
        items: [x IN kept[0..$limit] | {key: x.key, id: x.f.id, name: x.f.name, case: x.f.case,
                                        home_country: x.f.home_country, industry: x.f.industry,
                                        outcome: x.f.outcome, summary: x.f.summary,
                                        citation: x.f.citation, assumption: x.f.assumption}]} AS page
