// Index the firm of :Knowledge nodes (a firm's knowledges are listed and paged by it).
// params: (none)
// returns: (none)
CREATE INDEX knowledge_firm IF NOT EXISTS FOR (n:Knowledge) ON (n.firm)
