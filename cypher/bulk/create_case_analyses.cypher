// Create a batch of a firm's rated business cases (Senn, Thoma & Yip's Table 4).
// Rows are {props}.
// params: firmId: STRING, rows: LIST<MAP>
// returns: created
// (:CaseAnalysis)-[:OF_FIRM]->(:Firm)
MATCH (f:Firm {id: $firmId})
UNWIND $rows AS row
CREATE (c:CaseAnalysis)-[:OF_FIRM]->(f)
SET c = row.props
RETURN count(c) AS created
