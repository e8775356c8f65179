// List integration events with optional filters as one page (the root integrationEvents list),
// in time order (undated last: the sort key is the date, or "~"), then by id, after the keyset
// cursor ($cursorKey, $cursorId; with $backward the ones before it, nearest first), so an event
// recorded between two page loads shifts no page. $since and $until are partial dates compared
// at their common precision. The page's parent is null; its total counts every event the
// filters keep when $counted (0 otherwise).
// params: firm: STRING, step: STRING, tier: STRING, unit: STRING, knowledge: STRING, since: STRING, until: STRING, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER, counted: BOOLEAN, withUnits: BOOLEAN, withKnowledge: BOOLEAN
// returns: page: IntegrationEventView
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource). $unit keeps the events in which the unit plays any role.
// The page is cut before each event's roles, knowledge and resources are read, and is read in
// two parts. Going forward through one firm's events, its dated events come from the
// IntegrationEvent (firm, date) index, which Neo4j reads in date order (events of one date
// are all read, then ordered by id), so the page reads about its own length of events, not
// the firm's thousands. The rest is read through
// the IntegrationEvent.firm index, $firm's events alone or every firm's (each event belongs
// to one firm) when it is null, and cut by the engine's top-k: the undated events (key "~",
// last) when the dated ones leave the page short, else every event when going backward or
// for every firm. A part that is not needed looks up a null firm, which names no event. The
// cursor filters the index's events rather than bounding the lookup (a range bound makes the
// embedded engine's lookup slower than the firm's alone), so a later page also passes over the
// index entries before its cursor.
MATCH (i:IntegrationEvent)
WHERE i.firm = CASE WHEN $backward THEN null ELSE $firm END
  AND i.date IS NOT NULL
  AND ($cursorId IS NULL OR i.date > $cursorKey OR (i.date = $cursorKey AND i.id > $cursorId))
  AND ($knowledge IS NULL OR (i)-[:USED]->(:Knowledge {id: $knowledge}))
  AND ($unit IS NULL OR (i)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit {id: $unit}))
  AND ($step IS NULL OR i.step = $step)
  AND ($tier IS NULL OR i.tier = $tier)
  AND ($since IS NULL OR (coalesce(i.until, i.date) IS NOT NULL
       AND left(coalesce(i.until, i.date), size($since)) >= left($since, size(coalesce(i.until, i.date)))))
  AND ($until IS NULL OR (i.date IS NOT NULL
       AND left(i.date, size($until)) <= left($until, size(i.date))))
WITH i
ORDER BY i.firm, i.date, i.id
LIMIT $limit
WITH collect(i) AS dated
OPTIONAL MATCH (f:Firm)
WHERE $firm IS NULL
WITH dated, CASE WHEN $firm IS NULL THEN collect(f.id) ELSE [$firm] END AS firms
UNWIND firms AS firm
OPTIONAL MATCH (i:IntegrationEvent)
WHERE i.firm = CASE WHEN $backward OR $firm IS NULL OR size(dated) < $limit THEN firm END
  AND ($backward OR $firm IS NULL OR i.date IS NULL)
  AND ($cursorId IS NULL OR CASE WHEN $backward
       THEN coalesce(i.date, '~') < $cursorKey OR (coalesce(i.date, '~') = $cursorKey AND i.id < $cursorId)
       ELSE coalesce(i.date, '~') > $cursorKey OR (coalesce(i.date, '~') = $cursorKey AND i.id > $cursorId) END)
  AND ($knowledge IS NULL OR (i)-[:USED]->(:Knowledge {id: $knowledge}))
  AND ($unit IS NULL OR (i)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit {id: $unit}))
  AND ($step IS NULL OR i.step = $step)
  AND ($tier IS NULL OR i.tier = $tier)
  AND ($since IS NULL OR (coalesce(i.until, i.date) IS NOT NULL
       AND left(coalesce(i.until, i.date), size($since)) >= left($since, size(coalesce(i.until, i.date)))))
  AND ($until IS NULL OR (i.date IS NOT NULL
       AND left(i.date, size($until)) <= left($until, size(i.date))))
WITH dated, i, coalesce(i.date, '~') AS key
// A firm none of whose events is read gives one null row, which sorts last and is not kept.
ORDER BY i IS NULL, CASE WHEN $backward THEN key END DESC, CASE WHEN $backward THEN i.id END DESC,
         key, i.id
LIMIT $limit
WITH dated, collect(i) AS rest
UNWIND dated + rest AS i
WITH i, coalesce(i.date, '~') AS key
ORDER BY CASE WHEN $backward THEN key END DESC, CASE WHEN $backward THEN i.id END DESC, key, i.id
LIMIT $limit
WITH collect({i: i, key: key}) AS page
// The events of the page are unwound in order (an empty page as one null row) to read the
// roles, knowledge and resources, then collected again in that order. When asked, the role
// units are read whole, each with its boss ($withUnits), and the knowledge items with their
// capabilities ($withKnowledge), for the loaders of the request.
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS n
WITH n, page[n].i AS i, page[n].key AS key
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH n, i, key, k, CASE WHEN $withKnowledge THEN k END AS shownKnowledge
OPTIONAL MATCH (shownKnowledge)-[:BUILDS]->(c:Capability)
WITH n, i, key, k, collect(c {.id, .name, .channel, .citation}) AS capabilities
WITH n, i, key, collect(k.id) AS knowledge,
     collect(CASE WHEN $withKnowledge AND k IS NOT NULL THEN
       k {.id, .name, .kind, .domain, .firm, .citation, .assumption,
          capabilities: capabilities} END) AS knowledgeItems
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH n, i, key, knowledge, knowledgeItems, collect(r {.id, .name, .kind}) AS resources
OPTIONAL MATCH (i)-[role:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(unit:Unit)
WITH n, i, key, knowledge, knowledgeItems, resources, role, unit,
     CASE WHEN $withUnits THEN unit END AS shownUnit
OPTIONAL MATCH (shownUnit)-[:REPORTS_TO]->(boss:Unit)
WITH n, i, key, knowledge, knowledgeItems, resources,
     collect(CASE WHEN type(role) = 'SPONSORED_BY' THEN unit.id END) AS sponsors,
     collect(CASE WHEN type(role) = 'BENEFITS' THEN unit.id END) AS beneficiaries,
     head(collect(CASE WHEN type(role) = 'COORDINATED_BY' THEN unit.id END)) AS coordinator,
     collect(DISTINCT CASE WHEN shownUnit IS NOT NULL THEN
       shownUnit {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
                  reportsTo: boss.id} END) AS units
ORDER BY n
WITH collect(CASE WHEN i IS NULL THEN null ELSE
       i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, key: key, sponsors: sponsors,
          beneficiaries: beneficiaries, coordinator: coordinator, knowledge: knowledge,
          resources: resources,
          relatedUnits: CASE WHEN $withUnits THEN units END,
          relatedKnowledge: CASE WHEN $withKnowledge THEN knowledgeItems END} END) AS items
// With $counted, every event the filters keep is counted, whatever the cursor, through the
// same index (otherwise the one lookup is of an empty firm id, which names none).
OPTIONAL MATCH (f:Firm)
WHERE $firm IS NULL AND $counted
WITH items, CASE WHEN NOT $counted THEN [''] WHEN $firm IS NULL THEN collect(f.id)
                 ELSE [$firm] END AS countedFirms
UNWIND CASE WHEN size(countedFirms) = 0 THEN [''] ELSE countedFirms END AS countedFirm
OPTIONAL MATCH (e:IntegrationEvent {firm: countedFirm})
WHERE ($knowledge IS NULL OR (e)-[:USED]->(:Knowledge {id: $knowledge}))
  AND ($unit IS NULL OR (e)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit {id: $unit}))
  AND ($step IS NULL OR e.step = $step)
  AND ($tier IS NULL OR e.tier = $tier)
  AND ($since IS NULL OR (coalesce(e.until, e.date) IS NOT NULL
       AND left(coalesce(e.until, e.date), size($since)) >= left($since, size(coalesce(e.until, e.date)))))
  AND ($until IS NULL OR (e.date IS NOT NULL
       AND left(e.date, size($until)) <= left($until, size(e.date))))
WITH items, count(e) AS total
RETURN {parent: null, total: total, items: items} AS page
