// Remove the kept transfer dates from every knowledge item, as in a graph an older kflow wrote.
// params: (none)
// returns: items
MATCH (k:Knowledge)
REMOVE k.hq_arrival_dates, k.hq_arrivals_undated, k.integration_dates, k.integrations_undated
RETURN count(k) AS items
