// Index the id of [:SUPPORTED] relationships (lookups before a write, and by id).
// params: (none)
// returns: (none)
CREATE INDEX supported_id IF NOT EXISTS FOR ()-[r:SUPPORTED]-() ON (r.id)
