// List the units (the root units list), of one firm, one role and one country when given, one
// page in id order after the keyset cursor ($cursorKey, $cursorId; with $backward the ones
// before it, nearest first); the sort key is the id (so $cursorKey alone places the cursor),
// and a unit recorded between two page loads shifts no page. The page is cut as the units are
// read (the engine's top-k), then each unit's boss is read; the page's parent is null and its
// total is count_units's.
// params: firm: STRING, role: STRING, country: STRING, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: UnitView
// (:Unit), (:Unit)-[:REPORTS_TO]->(:Unit)
MATCH (u:Unit)
WHERE ($firm IS NULL OR u.firm = $firm)
  AND ($role IS NULL OR u.role = $role)
  AND ($country IS NULL OR u.country = $country)
  AND ($cursorId IS NULL OR CASE WHEN $backward THEN u.id < $cursorKey ELSE u.id > $cursorKey END)
WITH u
ORDER BY CASE WHEN $backward THEN u.id END DESC, u.id
LIMIT $limit
WITH collect(u) AS page
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
