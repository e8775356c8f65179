// Keep on each knowledge item of a firm the distinct dates of the flows that carried it into
// the HQ level from a unit below, and how many of them are undated, derived from the flows:
// for a graph an older kflow wrote (every write keeps them from then on).
// params: firm: STRING
// returns: items
// (:Knowledge {firm: $firm, hq_arrival_dates, hq_arrivals_undated})
MATCH (k:Knowledge)
WHERE k.firm = $firm
SET k.hq_arrival_dates = [], k.hq_arrivals_undated = 0
WITH count(k) AS cleared
MATCH (h:Unit)
WHERE h.firm = $firm AND h.role IN ['hq', 'capability_centre']
MATCH (s:Unit)-[f:FLOWS]->(h)
WHERE NOT s.role IN ['hq', 'capability_centre'] AND f.knowledge IS NOT NULL
// In date order, as every other write keeps them.
WITH f ORDER BY f.date
WITH f.knowledge AS item, collect(DISTINCT f.date) AS dates, count(f) - count(f.date) AS undated
MATCH (k:Knowledge {id: item})
SET k.hq_arrival_dates = dates, k.hq_arrivals_undated = undated
RETURN count(k) AS items
