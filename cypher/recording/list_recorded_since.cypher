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
MATCH (i:IntegrationEvent)-[:AT]->(u:Unit)
WHERE i.recorded_at >= $since AND ($firm IS NULL OR i.firm = $firm)
OPTIONAL MATCH (i)-[:USED]->(k:Knowledge)
WITH i, u, collect(k.id) AS knowledge
OPTIONAL MATCH (i)-[:INVOLVED]->(r:Resource)
WITH i, u, knowledge, collect(r {.id, .name, .kind}) AS resources
RETURN {kind: 'integration_event', recordedAt: i.recorded_at, id: i.id, flow: null,
        event: i {.id, .step, .tier, .activity, .renew_mode, .description, .mechanisms, .date,
                  .until, .firm, .citation, .assumption, .recorded_at, unit: u.id,
                  knowledge: knowledge, resources: resources}} AS record
ORDER BY record.recordedAt, record.id
LIMIT $limit
