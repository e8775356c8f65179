// Get one API key with its secret's hash (for checking a presented token).
// params: id: STRING
// returns: key: ApiKey
MATCH (k:ApiKey {id: $id})
RETURN k {.id, .name, .role, .hash, .created_at, .revoked_at} AS key
