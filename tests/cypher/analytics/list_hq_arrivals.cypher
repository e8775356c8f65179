// List, per knowledge item, the dates of the flows that carried it into a firm's HQ or HQ
// capability centre from a unit below them (the dated ones), and how many such flows there
// are in all, dated or not, from the flows themselves: what the dates every write keeps on
// the items (hq_arrival_dates, hq_arrivals_undated) must equal.
// params: firm: STRING
// returns: knowledge, dates, flows
// (:Unit)-[:FLOWS {knowledge, date}]->(:Unit:HQ|CapabilityCentre {firm: $firm})
MATCH (h:Unit)
WHERE h.firm = $firm AND h.role IN ['hq', 'capability_centre']
MATCH (s:Unit)-[f:FLOWS]->(h)
WHERE NOT s.role IN ['hq', 'capability_centre'] AND f.knowledge IS NOT NULL
RETURN f.knowledge AS knowledge, collect(f.date) AS dates, count(f) AS flows
