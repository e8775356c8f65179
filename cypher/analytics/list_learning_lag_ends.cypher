// List what each learning event of a firm's units below the HQ level (knowledge learned at
// the HQ or its centre needs no transfer up) led to, one row per unit that learned, with one
// list entry per event and item learned (the three lists in the same order): the event's
// date ('' if undated), and for each later step (arrival at the HQ level, use in an
// integration event) the date of the first one on or after the learning, or 'undated' (it
// happened, but it or the learning is undated) or 'never'. Dates compare at the coarser
// precision ('2001' counts as on or after '2001-05'). Read from the dates every write keeps
// on the item (KNOWLEDGE_TRANSFER_DATES), so the firm's flows and integration events are not
// scanned. Rows per unit rather than per event: ten times fewer rows to decode. At most $limit
// events.
// params: firm: STRING, limit: INTEGER
// returns: unit, dates, to_hq, to_integration
// (:Unit {firm: $firm})-[:LEARNED]->(:LearningEvent)-[:YIELDED]->(:Knowledge {hq_arrival_dates, hq_arrivals_undated, integration_dates, integrations_undated})
MATCH (learner:Unit)
WHERE learner.firm = $firm AND NOT learner.role IN ['hq', 'capability_centre']
MATCH (learner)-[:LEARNED]->(e:LearningEvent)-[:YIELDED]->(k:Knowledge)
WITH learner, e.date AS start, k
LIMIT $limit
WITH learner, start, k, CASE WHEN start IS NULL THEN 0 ELSE size(start) END AS precision
// The least date on or after the learning ('~' sorts after every date: none).
WITH learner, start, k,
     reduce(first = '~', d IN k.hq_arrival_dates |
       CASE WHEN d < first AND left(start, size(d)) <= left(d, precision) THEN d ELSE first END)
       AS arrived,
     reduce(first = '~', d IN k.integration_dates |
       CASE WHEN d < first AND left(start, size(d)) <= left(d, precision) THEN d ELSE first END)
       AS used
WITH learner, coalesce(start, '') AS date,
       CASE WHEN arrived <> '~' THEN arrived
            WHEN size(k.hq_arrival_dates) + k.hq_arrivals_undated = 0 THEN 'never'
            WHEN start IS NULL OR k.hq_arrivals_undated > 0 THEN 'undated'
            ELSE 'never' END AS to_hq,
       CASE WHEN used <> '~' THEN used
            WHEN size(k.integration_dates) + k.integrations_undated = 0 THEN 'never'
            WHEN start IS NULL OR k.integrations_undated > 0 THEN 'undated'
            ELSE 'never' END AS to_integration
RETURN learner.id AS unit, collect(date) AS dates, collect(to_hq) AS to_hq,
       collect(to_integration) AS to_integration
