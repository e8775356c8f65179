// List which outside sources each unit of a firm learned from, through which channel, and
// how often: the rim of the firm's network.
// params: firm: STRING
// returns: link
// (:Unit {firm: $firm})-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor)
MATCH (u:Unit)-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a:Actor)
WHERE u.firm = $firm
WITH u, a, e.channel AS channel, count(e) AS events
RETURN {unit: u.id, channel: channel, events: events,
        source: a {.id, .name, .kind, .country}} AS link
ORDER BY link.unit, link.source.id
