// Count the integration events of a firm per tier and step again into its IntegrationCell
// nodes, with each cell's first $cellEvents events in time order (undated last, then by id):
// after a bulk load, a clean-up, or for a graph an older kflow wrote. (Recording one event
// adds it to its cell, and a case merge recounts, in their own statements.) A cell made by a
// load carries the load's tag, so a load that fails is cleaned up with its cells.
// params: firm: STRING, tag: MAP, cellEvents: INTEGER
// returns: cells
// (:IntegrationCell {of_firm, tier, step, total, first_keys, first_ids})
OPTIONAL MATCH (old:IntegrationCell {of_firm: $firm})
WITH collect(old) AS cells
FOREACH (cell IN cells | SET cell.total = 0, cell.first_keys = [], cell.first_ids = [])
WITH count(*) AS cleared
OPTIONAL MATCH (i:IntegrationEvent {firm: $firm})
WITH i, coalesce(i.date, '~') AS key
ORDER BY key, i.id
WITH i.tier AS tier, i.step AS step, count(i) AS total,
     collect(key)[..$cellEvents] AS keys, collect(i.id)[..$cellEvents] AS ids
FOREACH (_ IN CASE WHEN tier IS NULL THEN [] ELSE [1] END |
  MERGE (cell:IntegrationCell {of_firm: $firm, tier: tier, step: step})
  ON CREATE SET cell += $tag
  SET cell.total = total, cell.first_keys = keys, cell.first_ids = ids)
RETURN count(*) AS cells
