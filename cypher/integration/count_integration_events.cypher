// Count the integration events that list_integration_events would page through.
// params: firm: STRING, step: STRING, tier: STRING, unit: STRING, knowledge: STRING, since: STRING, until: STRING
// returns: total
CALL {
  UNWIND CASE WHEN $knowledge IS NOT NULL AND $unit IS NULL THEN [$knowledge] ELSE [] END AS wanted
  MATCH (:Knowledge {id: wanted})<-[:USED]-(i:IntegrationEvent)
  RETURN i
  UNION ALL
  UNWIND CASE WHEN $knowledge IS NOT NULL AND $unit IS NOT NULL THEN [1] ELSE [] END AS both
  MATCH (:Knowledge {id: $knowledge})<-[:USED]-(i:IntegrationEvent)
        -[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit {id: $unit})
  RETURN DISTINCT i
  UNION ALL
  UNWIND CASE WHEN $knowledge IS NULL AND $unit IS NOT NULL THEN [$unit] ELSE [] END AS wanted
  MATCH (:Unit {id: wanted})<-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]-(i:IntegrationEvent)
  RETURN DISTINCT i
  UNION ALL
  UNWIND CASE WHEN $knowledge IS NULL AND $unit IS NULL THEN [1] ELSE [] END AS everything
  MATCH (i:IntegrationEvent)
  RETURN i
}
WITH i
WHERE ($firm IS NULL OR i.firm = $firm)
  AND ($step IS NULL OR i.step = $step)
  AND ($tier IS NULL OR i.tier = $tier)
  AND ($since IS NULL OR (coalesce(i.until, i.date) IS NOT NULL
       AND left(coalesce(i.until, i.date), size($since)) >= left($since, size(coalesce(i.until, i.date)))))
  AND ($until IS NULL OR (i.date IS NOT NULL
       AND left(i.date, size($until)) <= left($until, size(i.date))))
RETURN count(i) AS total
