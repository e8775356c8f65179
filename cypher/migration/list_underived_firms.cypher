// List the firms whose flows lack their derived data: a unit with flows but no brokerage.
// Every write that adds flows sets the units' flow counts and brokerage together with the
// SENDS_* pair summaries and the knowledge items' `flowed` pairs, so a unit with flows and
// no brokerage marks a firm written before they were kept (kflow 199a66b and older). This
// reads each unit once, and walks flows only from units without a brokerage, so on an
// up-to-date graph it costs a scan of the units, not of the flows.
// params: (none)
// returns: firm
// (:Unit {firm, brokerage})-[:FLOWS]-(:Unit)
MATCH (u:Unit)
WHERE u.brokerage IS NULL
MATCH (u)-[:FLOWS]-(:Unit)
RETURN DISTINCT u.firm AS firm
ORDER BY firm
