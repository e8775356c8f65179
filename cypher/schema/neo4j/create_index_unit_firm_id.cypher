// Index :Unit nodes by firm, then id: a firm's units are read in id order from it, so a page
// of them reads about its own length.
// params: (none)
// returns: (none)
CREATE INDEX unit_firm_id IF NOT EXISTS FOR (n:Unit) ON (n.firm, n.id)
