// List the integration events in which each of the given units plays a role (sponsor,
// beneficiary or coordinator), one page per unit (Unit.integrationEvents, batched across
// units), in time order (undated last: the sort key is the date, or "~"), then by id, after
// the keyset cursor ($cursorKey, $cursorId; with $backward the ones before it, nearest first).
// $since and $until keep events whose date or period overlaps them, as integrationEvents does;
// total counts every event the filters keep, whatever the cursor. Knowledge and resources are
// read for the page only.
// params: units: LIST<STRING>, since: STRING, until: STRING, cursorKey: STRING, cursorId: STRING, backward: BOOLEAN, limit: INTEGER
// returns: page: IntegrationEventView
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource)
UNWIND $units AS parent
MATCH (i:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit {id: parent})
WITH DISTINCT parent, i
WHERE ($since IS NULL OR (coalesce(i.until, i.date) IS NOT NULL
       AND left(coalesce(i.until, i.date), size($since)) >= left($since, size(coalesce(i.until, i.date)))))
  AND ($until IS NULL OR (i.date IS NOT NULL
       AND left(i.date, size($until)) <= left($until, size(i.date))))
WITH parent, i, coalesce(i.date, '~') AS key
ORDER BY parent, key, i.id
WITH parent, collect({i: i, key: key}) AS rows
WITH parent, size(rows) AS total, [x IN rows WHERE $cursorId IS NULL OR CASE WHEN $backward
       THEN x.key < $cursorKey OR (x.key = $cursorKey AND x.i.id < $cursorId)
       ELSE x.key > $cursorKey OR (x.key = $cursorKey AND x.i.id > $cursorId) END] AS kept
WITH parent, total, CASE WHEN $backward THEN reverse(kept) ELSE kept END AS kept
WITH parent, total, kept[0..$limit] AS page
UNWIND CASE WHEN size(page) = 0 THEN [null] ELSE range(0, size(page) - 1) END AS n
WITH parent, total, n, page[n].i AS i, page[n].key AS key
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH parent, total, n, i, key, collect(k.id) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH parent, total, n, i, key, knowledge, collect(r {.id, .name, .kind}) AS resources
OPTIONAL MATCH (i)-[:SPONSORED_BY]->(sponsor:Unit)
WITH parent, total, n, i, key, knowledge, resources, collect(sponsor.id) AS sponsors
OPTIONAL MATCH (i)-[:BENEFITS]->(beneficiary:Unit)
WITH parent, total, n, i, key, knowledge, resources, sponsors,
     collect(beneficiary.id) AS beneficiaries
OPTIONAL MATCH (i)-[:COORDINATED_BY]->(coordinator:Unit)
WITH parent, total, n, i, key, knowledge, resources, sponsors, beneficiaries,
     head(collect(coordinator.id)) AS coordinator
ORDER BY n
WITH parent, total, collect(CASE WHEN i IS NULL THEN null ELSE
       i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, key: key, sponsors: sponsors,
          beneficiaries: beneficiaries, coordinator: coordinator, knowledge: knowledge,
          resources: resources} END) AS items
RETURN {parent: parent, total: total, items: items} AS page
