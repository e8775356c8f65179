// List which outside sources each of the given units (one page of a firm's units) learned
// from, through which channel, and how often: the rim of the firm's network. With $asOf (a
// partial date), `events` counts only the learning events dated on or before it (compared
// at the coarser precision) and `undated` the events left out for having no date; without
// it every event counts.
// params: units: LIST<STRING>, asOf: STRING
// returns: link
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor)
UNWIND $units AS unitId
MATCH (u:Unit {id: unitId})-[:LEARNED]->(e:LearningEvent)-[:FROM]->(a:Actor)
WITH u, a, e.channel AS channel,
     sum(CASE WHEN $asOf IS NULL OR (e.date IS NOT NULL AND
                   left(coalesce(e.date, ''), size(coalesce($asOf, '')))
                     <= left(coalesce($asOf, ''), size(coalesce(e.date, ''))))
              THEN 1 ELSE 0 END) AS events,
     sum(CASE WHEN $asOf IS NOT NULL AND e.date IS NULL THEN 1 ELSE 0 END) AS undated
RETURN {unit: u.id, channel: channel, events: events, undated: undated,
        source: a {.id, .name, .kind, .country}} AS link
ORDER BY link.unit, link.source.id
