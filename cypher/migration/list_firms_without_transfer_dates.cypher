// List the firms with knowledge items that lack the kept transfer dates (hq_arrival_dates,
// integration_dates and their undated counts): written by a kflow older than them. Every
// write keeps them on every item from then on, so on an up-to-date graph this lists none.
// params: (none)
// returns: firm
// (:Knowledge {firm, hq_arrivals_undated, integrations_undated})
MATCH (k:Knowledge)
WHERE k.firm IS NOT NULL AND (k.hq_arrivals_undated IS NULL OR k.integrations_undated IS NULL)
RETURN DISTINCT k.firm AS firm
ORDER BY firm
