// List integration events with optional filters, in time order (undated last), one page.
// $since and $until are partial dates compared at their common precision.
// params: firm: STRING, step: STRING, tier: STRING, unit: STRING, knowledge: STRING, since: STRING, until: STRING, skip: INTEGER, limit: INTEGER
// returns: event
// (:IntegrationEvent)-[:AT]->(:Unit), -[:USED]->(:Knowledge), -[:INVOLVED]->(:Resource)
// The page is cut before each event's knowledge and resources are read.
MATCH (i:IntegrationEvent)
WHERE ($knowledge IS NULL OR (i)-[:USED]->(:Knowledge {id: $knowledge}))
  AND ($firm IS NULL OR i.firm = $firm)
  AND ($step IS NULL OR i.step = $step)
  AND ($tier IS NULL OR i.tier = $tier)
  AND ($since IS NULL OR (coalesce(i.until, i.date) IS NOT NULL
       AND left(coalesce(i.until, i.date), size($since)) >= left($since, size(coalesce(i.until, i.date)))))
  AND ($until IS NULL OR (i.date IS NOT NULL
       AND left(i.date, size($until)) <= left($until, size(i.date))))
MATCH (i)-[:AT]->(u:Unit)
WHERE $unit IS NULL OR u.id = $unit
WITH i, u
ORDER BY i.date, i.id
SKIP $skip
LIMIT $limit
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH i, u, collect(k.id) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, u, knowledge, collect(r {.id, .name, .kind}) AS resources
RETURN i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, unit: u.id, knowledge: knowledge,
          resources: resources} AS event
ORDER BY event.date, event.id
