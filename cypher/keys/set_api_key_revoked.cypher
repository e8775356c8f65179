// Revoke an API key (it stays listed, with when it was revoked).
// params: id: STRING, at: INTEGER
// returns: key: ApiKey
MATCH (k:ApiKey {id: $id})
SET k.revoked_at = coalesce(k.revoked_at, $at)
RETURN k {.id, .name, .role, .created_at, .revoked_at} AS key
