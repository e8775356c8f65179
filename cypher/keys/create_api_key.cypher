// Record a new API key: only the hash of its secret is stored.
// params: key: MAP
// returns: key: ApiKey
CREATE (k:ApiKey)
SET k = $key
RETURN k {.id, .name, .role, .created_at, .revoked_at} AS key
