// Summarise a firm's upward-flow graph in one row, without sending it: its units, the units
// the routes lead to, and its SENDS_UP / SENDS_ACROSS pairs (how many, the flows they count,
// their earliest flows' ids and dates). Every write that adds a unit, a pair or a flow changes
// this row, so the release analysis keeps a firm's dominator tree while the row stays the
// same and rebuilds it from list_upward_links when it changes.
// params: firm: STRING
// returns: units, targets, links, flows, firstFlows, firstDates
// (:Unit {firm: $firm})-[:SENDS_UP|SENDS_ACROSS {flows, first_flow, first_date}]->(:Unit)
MATCH (u:Unit)
WHERE u.firm = $firm
OPTIONAL MATCH (u)-[s:SENDS_UP|SENDS_ACROSS]->(:Unit)
WITH u, count(s) AS links, sum(coalesce(s.flows, 0)) AS flows,
     min(s.first_flow) AS firstFlow, max(s.first_flow) AS lastFlow,
     sum(size(coalesce(s.first_flow, ''))) AS flowIdLength,
     min(s.first_date) AS firstDate, max(s.first_date) AS lastDate,
     sum(size(coalesce(s.first_date, ''))) AS dateLength
RETURN count(u) AS units,
       collect(CASE WHEN u.role IN ['hq', 'capability_centre'] THEN u.role + ':' + u.id END)
         AS targets,
       sum(links) AS links, sum(flows) AS flows,
       [min(firstFlow), max(lastFlow), toString(sum(flowIdLength))] AS firstFlows,
       [min(firstDate), max(lastDate), toString(sum(dateLength))] AS firstDates
