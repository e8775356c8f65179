// Count a firm's integration events per tier and step (Fu et al.'s Table 3), with the first
// $perCell events of each cell in time order (undated last). Only the events shown are
// expanded into maps; the rest are only counted.
// params: firm: STRING, perCell: INTEGER
// returns: tier, step, total, events
// (:IntegrationEvent {firm: $firm})-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit)
MATCH (i:IntegrationEvent)
WHERE i.firm = $firm
WITH i
ORDER BY i.date, i.id
WITH i.tier AS tier, i.step AS step, collect(i) AS cell
WITH tier, step, size(cell) AS total, cell[0..$perCell] AS shown
UNWIND shown AS i
OPTIONAL MATCH (i)-[:SPONSORED_BY]->(sponsor:Unit)
WITH tier, step, total, i, collect(sponsor.id) AS sponsors
OPTIONAL MATCH (i)-[:BENEFITS]->(beneficiary:Unit)
WITH tier, step, total, i, sponsors, collect(beneficiary.id) AS beneficiaries
OPTIONAL MATCH (i)-[:COORDINATED_BY]->(coordinator:Unit)
WITH tier, step, total, i, sponsors, beneficiaries, head(collect(coordinator.id)) AS coordinator
ORDER BY i.date, i.id
WITH tier, step, total,
     collect(i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date,
                .until, .firm, .citation, .assumption, .recorded_at, sponsors: sponsors,
                beneficiaries: beneficiaries, coordinator: coordinator}) AS events
RETURN tier, step, total, events
ORDER BY tier, step
