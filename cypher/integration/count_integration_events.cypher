// Count the integration events that list_integration_events would page through.
// params: firm: STRING, step: STRING, tier: STRING, unit: STRING, knowledge: STRING, since: STRING, until: STRING
// returns: total
CALL {
  UNWIND CASE WHEN $knowledge IS NULL THEN [] ELSE [$knowledge] END AS wanted
  MATCH (:Knowledge {id: wanted})<-[:USED]-(i:IntegrationEvent)
  RETURN i
  UNION ALL
  UNWIND CASE WHEN $knowledge IS NULL THEN [1] ELSE [] END AS everything
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
OPTIONAL MATCH (i)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(role:Unit {id: $unit})
WITH i, count(role) AS roles
WHERE $unit IS NULL OR roles > 0
RETURN count(i) AS total
