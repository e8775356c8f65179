// Count a firm's integration events per tier and step (Fu et al.'s Table 3), with the first
// $perCell events of each cell in time order.
// params: firm: STRING, perCell: INTEGER
// returns: tier, step, total, events
// (:IntegrationEvent {firm: $firm})-[:AT]->(:Unit)
MATCH (i:IntegrationEvent)-[:AT]->(u:Unit)
WHERE i.firm = $firm
WITH i, u ORDER BY i.date, i.id
WITH i.tier AS tier, i.step AS step,
     collect(i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date,
                .until, .firm, .citation, .assumption, .recorded_at, unit: u.id}) AS cell
RETURN tier, step, size(cell) AS total, cell[0..$perCell] AS events
ORDER BY tier, step
