// List flows and integration events recorded at or after an instant (epoch ms), oldest
// first: what the `recorded` subscription streams. Seeded facts have no recorded_at.
// params: since: INTEGER, firm: STRING, limit: INTEGER
// returns: record
MATCH (a:Unit)-[r:FLOWS]->(b:Unit)
WHERE r.recorded_at >= $since AND ($firm IS NULL OR r.firm = $firm)
RETURN {kind: 'flow', recordedAt: r.recorded_at, id: r.id,
        flow: r {.id, .direction, .mode, .knowledge, .date, .citation, .assumption, .recorded_at,
                 source: a.id, target: b.id},
        event: null} AS record
ORDER BY record.recordedAt, record.id
LIMIT $limit
UNION
MATCH (i:IntegrationEvent)
WHERE i.recorded_at >= $since AND ($firm IS NULL OR i.firm = $firm)
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
RETURN {kind: 'integration_event', recordedAt: i.recorded_at, id: i.id, flow: null,
        event: i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date,
                  .until, .firm, .citation, .assumption, .recorded_at, sponsors: sponsors,
                  beneficiaries: beneficiaries, coordinator: coordinator, knowledge: knowledge, resources: resources}} AS record
ORDER BY record.recordedAt, record.id
LIMIT $limit
