// List the units (the root units list), of one firm, one role and one country when given, one
// page in id order after the keyset cursor ($cursorKey, $cursorId; with $backward the ones
// before it, nearest first); the sort key is the id (so $cursorKey alone places the cursor),
// and a unit recorded between two page loads shifts no page. The page is cut before each
// unit's boss is read; the page's parent is null and its total is count_units's.
// params: firm: STRING, role: STRING, country: STRING, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: UnitView
// (:Unit), (:Unit)-[:REPORTS_TO]->(:Unit)
// The page is read in two parts. Going forward through one firm's units, they come from the
// Unit (firm, id) index, which Neo4j reads in id order, so the page reads about its own
// length of units, not the whole firm. Otherwise (backward, or every firm's units) the units
// are read by id and cut by the engine's top-k. The part that is not needed looks up a null
// firm or a null id, which names no unit. The cursor filters the index's units rather than
// bounding the lookup (a range bound makes the embedded engine's lookup slower than the
// firm's alone), so a later page also passes over the index entries before its cursor.
MATCH (u:Unit)
WHERE u.firm = CASE WHEN $backward THEN null ELSE $firm END
  AND u.id IS NOT NULL
  AND ($cursorId IS NULL OR u.id > $cursorKey)
  AND ($role IS NULL OR u.role = $role)
  AND ($country IS NULL OR u.country = $country)
WITH u
ORDER BY u.firm, u.id
LIMIT $limit
WITH collect(u) AS firmPage
OPTIONAL MATCH (u:Unit)
WHERE u.id >= CASE WHEN $backward OR $firm IS NULL THEN '' END
  AND ($firm IS NULL OR u.firm = $firm)
  AND ($role IS NULL OR u.role = $role)
  AND ($country IS NULL OR u.country = $country)
  AND ($cursorId IS NULL OR CASE WHEN $backward THEN u.id < $cursorKey ELSE u.id > $cursorKey END)
WITH firmPage, u
// No unit read gives one null row, which sorts last and is not kept.
ORDER BY u IS NULL, CASE WHEN $backward THEN u.id END DESC, u.id
LIMIT $limit
WITH firmPage, collect(u) AS rest
WITH firmPage + rest AS page
// The page's units are unwound in order (an empty page as one null row) to read each one's
// boss, then collected again in that order.
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS n
WITH n, page[n] AS u
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
WITH n, u, head(collect(boss.id)) AS reportsTo
ORDER BY n
WITH collect(CASE WHEN u IS NULL THEN null ELSE
       u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: reportsTo, key: u.id} END) AS items
RETURN {parent: null, items: items} AS page
