// Count a firm's integration events per tier and step (Fu et al.'s Table 3), with the ids of
// the first $perCell events of each cell in time order (undated last); the service reads
// those events whole with `network/list_integration_events_by_id`.
// params: firm: STRING, perCell: INTEGER
// returns: tier, step, total, events
MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
WITH i
ORDER BY i.date, i.id
WITH i.tier AS tier, i.step AS step, collect(i.id) AS cell
RETURN tier, step, size(cell) AS total, cell[0..$perCell] AS events
ORDER BY tier, step
