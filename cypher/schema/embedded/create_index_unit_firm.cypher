// Index the firm of :Unit nodes (a firm's units are listed and paged by it).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:Unit) ON (n.firm)
