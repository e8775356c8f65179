// List integration events with optional filters as one page (the root integrationEvents list),
// in time order (undated last: the sort key is the date, or "~"), then by id, after the keyset
// cursor ($cursorKey, $cursorId; with $backward the ones before it, nearest first), so an event
// recorded between two page loads shifts no page. $since and $until are partial dates compared
// at their common precision. The page's parent is null; its total is count_integration_events's.
// params: firm: STRING, step: STRING, tier: STRING, unit: STRING, knowledge: STRING, since: STRING, until: STRING, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: IntegrationEventView
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource). $unit keeps the events in which the unit plays any role.
// The page is cut (the engine's top-k) before each event's roles, knowledge and resources are
// read. Events are found through the IntegrationEvent.firm index: $firm's alone, or every
// firm's (each event belongs to one firm) when it is null.
OPTIONAL MATCH (f:Firm)
WHERE $firm IS NULL
WITH CASE WHEN $firm IS NULL THEN collect(f.id) ELSE [$firm] END AS firms
UNWIND firms AS firm
MATCH (i:IntegrationEvent {firm: firm})
WHERE ($knowledge IS NULL OR (i)-[:USED]->(:Knowledge {id: $knowledge}))
  AND ($unit IS NULL OR (i)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit {id: $unit}))
  AND ($step IS NULL OR i.step = $step)
  AND ($tier IS NULL OR i.tier = $tier)
  AND ($since IS NULL OR (coalesce(i.until, i.date) IS NOT NULL
       AND left(coalesce(i.until, i.date), size($since)) >= left($since, size(coalesce(i.until, i.date)))))
  AND ($until IS NULL OR (i.date IS NOT NULL
       AND left(i.date, size($until)) <= left($until, size(i.date))))
WITH i, coalesce(i.date, '~') AS key
WHERE $cursorId IS NULL OR CASE WHEN $backward
      THEN key < $cursorKey OR (key = $cursorKey AND i.id < $cursorId)
      ELSE key > $cursorKey OR (key = $cursorKey AND i.id > $cursorId) END
WITH i, key
ORDER BY CASE WHEN $backward THEN key END DESC, CASE WHEN $backward THEN i.id END DESC, key, i.id
LIMIT $limit
WITH collect({i: i, key: key}) AS page
// The page's events are unwound in order (an empty page as one null row) to read each one's
// roles, knowledge and resources, then collected again in that order.
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS n
WITH n, page[n].i AS i, page[n].key AS key
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH n, i, key, collect(k.id) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH n, i, key, knowledge, collect(r {.id, .name, .kind}) AS resources
OPTIONAL MATCH (i)-[:SPONSORED_BY]->(sponsor:Unit)
WITH n, i, key, knowledge, resources, collect(sponsor.id) AS sponsors
OPTIONAL MATCH (i)-[:BENEFITS]->(beneficiary:Unit)
WITH n, i, key, knowledge, resources, sponsors, collect(beneficiary.id) AS beneficiaries
OPTIONAL MATCH (i)-[:COORDINATED_BY]->(coordinator:Unit)
WITH n, i, key, knowledge, resources, sponsors, beneficiaries,
     head(collect(coordinator.id)) AS coordinator
ORDER BY n
WITH collect(CASE WHEN i IS NULL THEN null ELSE
       i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, key: key, sponsors: sponsors,
          beneficiaries: beneficiaries, coordinator: coordinator, knowledge: knowledge,
          resources: resources} END) AS items
RETURN {parent: null, items: items} AS page
