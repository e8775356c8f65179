// List the ids of the flows whose id starts with a prefix (the soak's acknowledged writes).
// params: prefix: STRING
// returns: ids
MATCH ()-[f:FLOWS]->()
WHERE f.id STARTS WITH $prefix
RETURN collect(f.id) AS ids
