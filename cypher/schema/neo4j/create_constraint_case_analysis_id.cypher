// Make the id of :CaseAnalysis nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT case_analysis_id_unique IF NOT EXISTS FOR (n:CaseAnalysis) REQUIRE n.id IS UNIQUE
