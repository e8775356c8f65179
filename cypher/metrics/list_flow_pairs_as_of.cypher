// List, for each ordered pair of a firm's units with flows between them, how many of those
// flows are dated on or before $asOf (dates compare at the coarser precision: '2001' counts
// as of '2001-05') and how many are undated: the network as of a date, from which hub
// metrics are counted again. It reads every flow of the firm once, unlike the counts kept
// on the units, so it is asked only for a date.
// params: firm: STRING, asOf: STRING
// returns: pair
// (:Unit {firm: $firm})-[:FLOWS {date}]->(:Unit)
MATCH (a:Unit)
WHERE a.firm = $firm
MATCH (a)-[f:FLOWS]->(b:Unit)
WITH a, b,
     sum(CASE WHEN f.date IS NOT NULL AND left(coalesce(f.date, ''), size($asOf))
                                      <= left($asOf, size(coalesce(f.date, '')))
              THEN 1 ELSE 0 END) AS flows,
     sum(CASE WHEN f.date IS NULL THEN 1 ELSE 0 END) AS undated
RETURN {source: a.id, target: b.id, flows: flows, undated: undated} AS pair
