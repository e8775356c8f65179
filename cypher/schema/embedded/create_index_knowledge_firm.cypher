// Index the firm of :Knowledge nodes (a firm's knowledges are listed and paged by it).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:Knowledge) ON (n.firm)
