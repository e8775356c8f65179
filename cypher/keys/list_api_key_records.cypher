// List every API key with its hash, for a backup (never shown to users).
// params: (none)
// returns: key
MATCH (k:ApiKey)
RETURN k {.id, .name, .role, .hash, .created_at, .revoked_at} AS key
ORDER BY key.id
