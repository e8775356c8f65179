// How deep was customer asset management in each business case, and what did it gain?
// Senn, Thoma & Yip's Table 4: the 114 supplier-customer business cases of their six case
// research firms, each rated low, medium or high for depth of customer asset management
// (sales, relationship, network perspective) and for the relationship, economic, knowledge
// and leadership advantages, in the table's order. Narrow it with `firm` (senn-firm-1 ...
// senn-firm-6) or `depth` (low, medium, high).
// params: firm: STRING = null, depth: STRING = null, rowLimit: INTEGER
// returns: case_no, industry, asset_management, relationship_advantage, economic_advantage, knowledge_advantage, leadership_advantage, firm, citation, assumption
// (:CaseAnalysis)-[:OF_FIRM]->(:Firm)
MATCH (c:CaseAnalysis)
WHERE ($firm IS NULL OR c.firm = $firm) AND ($depth IS NULL OR c.asset_management = $depth)
RETURN c.case_no AS case_no, c.industry AS industry, c.asset_management AS asset_management,
       c.relationship_advantage AS relationship_advantage,
       c.economic_advantage AS economic_advantage,
       c.knowledge_advantage AS knowledge_advantage,
       c.leadership_advantage AS leadership_advantage, c.firm AS firm,
       c.citation AS citation, c.assumption AS assumption
ORDER BY case_no
LIMIT $rowLimit
