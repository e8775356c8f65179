// Index the id of [:FLOWS] relationships (lookups before a write, and by id).
// params: (none)
// returns: (none)
CREATE INDEX FOR ()-[r:FLOWS]-() ON (r.id)
