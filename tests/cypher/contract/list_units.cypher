// List bare units by id (the store contract tests' read).
// params: (none)
// returns: unit
MATCH (u:Unit)
RETURN u {.id, .name} AS unit
ORDER BY u.id
