// List which outside sources each of the given units (one page of a firm's units) learned
// from, through which channel, and how often: the rim of the firm's network.
// params: units: LIST<STRING>
// returns: link
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor)
UNWIND $units AS unitId
MATCH (u:Unit {id: unitId})-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a:Actor)
WITH u, a, e.channel AS channel, count(e) AS events
RETURN {unit: u.id, channel: channel, events: events,
        source: a {.id, .name, .kind, .country}} AS link
ORDER BY link.unit, link.source.id
