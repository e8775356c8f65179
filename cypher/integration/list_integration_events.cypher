// List integration events with optional filters, in time order (undated last), one page.
// $since and $until are partial dates compared at their common precision.
// params: firm: STRING, step: STRING, tier: STRING, unit: STRING, knowledge: STRING, since: STRING, until: STRING, skip: INTEGER, limit: INTEGER
// returns: event: IntegrationEventView
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource). $unit keeps the events in which the unit plays any role.
// The page is cut before each event's roles, knowledge and resources are read.
// Events are found through the IntegrationEvent.firm index: $firm's alone, or every firm's
// (each event belongs to one firm) when it is null.
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
WITH i
ORDER BY i.date, i.id
SKIP $skip
LIMIT $limit
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH i, collect(k.id) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, knowledge, collect(r {.id, .name, .kind}) AS resources
OPTIONAL MATCH (i)-[:SPONSORED_BY]->(sponsor:Unit)
WITH i, knowledge, resources, collect(sponsor.id) AS sponsors
OPTIONAL MATCH (i)-[:BENEFITS]->(beneficiary:Unit)
WITH i, knowledge, resources, sponsors, collect(beneficiary.id) AS beneficiaries
OPTIONAL MATCH (i)-[:COORDINATED_BY]->(coordinator:Unit)
WITH i, knowledge, resources, sponsors, beneficiaries, head(collect(coordinator.id)) AS coordinator
RETURN i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, sponsors: sponsors,
          beneficiaries: beneficiaries, coordinator: coordinator, knowledge: knowledge,
          resources: resources} AS event
ORDER BY event.date, event.id
