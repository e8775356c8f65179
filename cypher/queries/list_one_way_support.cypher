// Which subsidiaries give support that is never returned?
// Support from one unit to another with nothing going back (Sartorius-Khalapsina's
// Table 4), for a firm or for every firm.
// params: firm: STRING = null, rowLimit: INTEGER
// returns: firm, from_unit, to_unit, given, projects, citation, assumption
// (:Unit)-[:SUPPORTED]->(:Unit), and no (:Unit)<-[:SUPPORTED]-(:Unit) back
MATCH (a:Unit)-[s:SUPPORTED]->(b:Unit)
WHERE ($firm IS NULL OR s.firm = $firm) AND NOT (b)-[:SUPPORTED]->(a)
RETURN s.firm AS firm, a.id AS from_unit, b.id AS to_unit, count(s) AS given,
       [x IN collect(s.project) WHERE x IS NOT NULL] AS projects,
       collect(DISTINCT s.citation) AS citation,
       [x IN collect(s.assumption) WHERE x IS NOT NULL] AS assumption
ORDER BY firm, from_unit, to_unit
LIMIT $rowLimit
