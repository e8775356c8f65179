// List the API keys, newest first, without their hashes.
// params: (none)
// returns: key: ApiKey
MATCH (k:ApiKey)
RETURN k {.id, .name, .role, .created_at, .revoked_at} AS key
ORDER BY key.created_at DESC, key.id
