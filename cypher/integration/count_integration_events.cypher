// Count the integration events that list_integration_events would page through.
// params: firm: STRING, step: STRING, tier: STRING, unit: STRING, knowledge: STRING, since: STRING, until: STRING
// returns: total
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
RETURN count(i) AS total
