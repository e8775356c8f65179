// Index the id of [:FLOWS] relationships (lookups before a write, and by id).
// params: (none)
// returns: (none)
CREATE INDEX flows_id IF NOT EXISTS FOR ()-[r:FLOWS]-() ON (r.id)
