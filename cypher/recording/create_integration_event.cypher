// Record that the firm leveraged, renewed or released resources, with the units in its
// Table 5 roles (sponsors, beneficiaries, coordinator; any may be empty).
// params: sponsors: LIST<STRING>, beneficiaries: LIST<STRING>, coordinator: STRING, knowledge: LIST<STRING>, resources: LIST<STRING>, props: MAP, cellEvents: INTEGER
// returns: event: IntegrationEventView
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource); (:IntegrationCell {of_firm, tier, step, total, first_keys, first_ids}),
// (:Knowledge {integration_dates, integrations_undated})
CREATE (i:IntegrationEvent)
SET i = $props
FOREACH (unitId IN $sponsors |
  MERGE (u:Unit {id: unitId})
  CREATE (i)-[:SPONSORED_BY]->(u))
FOREACH (unitId IN $beneficiaries |
  MERGE (u:Unit {id: unitId})
  CREATE (i)-[:BENEFITS]->(u))
FOREACH (unitId IN CASE WHEN $coordinator IS NULL THEN [] ELSE [$coordinator] END |
  MERGE (u:Unit {id: unitId})
  CREATE (i)-[:COORDINATED_BY]->(u))
// Each item used keeps the event's date among its integration dates (a set kept in order,
// as a whole case writes it), or counts it undated (transferLag reads them).
FOREACH (knowledgeId IN $knowledge |
  MERGE (k:Knowledge {id: knowledgeId})
  CREATE (i)-[:USED]->(k)
  SET k.integration_dates = CASE WHEN $props.date IS NULL THEN coalesce(k.integration_dates, [])
        ELSE [d IN coalesce(k.integration_dates, []) WHERE d < $props.date] + [$props.date] +
             [d IN coalesce(k.integration_dates, []) WHERE d > $props.date] END,
      k.integrations_undated = coalesce(k.integrations_undated, 0) +
        CASE WHEN $props.date IS NULL THEN 1 ELSE 0 END)
FOREACH (resourceId IN $resources |
  MERGE (r:Resource {id: resourceId})
  CREATE (i)-[:INVOLVED]->(r))
// The integration matrix of the firm counts it (IntegrationCell, see integration/), and
// places it among the first $cellEvents events of its cell (by date key, then id) when it is one.
WITH i, coalesce(i.date, '~') AS key
FOREACH (_ IN CASE WHEN i.firm IS NULL OR i.tier IS NULL OR i.step IS NULL THEN [] ELSE [1] END |
  MERGE (cell:IntegrationCell {of_firm: i.firm, tier: i.tier, step: i.step})
  SET cell.total = coalesce(cell.total, 0) + 1
  FOREACH (at IN [size([n IN range(0, size(coalesce(cell.first_keys, [])) - 1)
                        WHERE cell.first_keys[n] < key
                           OR (cell.first_keys[n] = key AND cell.first_ids[n] < i.id)])] |
    SET cell.first_keys = (coalesce(cell.first_keys, [])[..at] + [key]
                           + coalesce(cell.first_keys, [])[at..])[..$cellEvents],
        cell.first_ids = (coalesce(cell.first_ids, [])[..at] + [i.id]
                          + coalesce(cell.first_ids, [])[at..])[..$cellEvents]))
WITH i
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, collect(r {.id, .name, .kind}) AS resources
RETURN i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date, .until,
          .firm, .citation, .assumption, .recorded_at, sponsors: $sponsors,
          beneficiaries: $beneficiaries, coordinator: $coordinator, knowledge: $knowledge,
          resources: resources} AS event
