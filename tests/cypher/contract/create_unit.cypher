// Create a bare unit (the store contract tests' write; CREATE so a duplicate id fails).
// params: id: STRING, name: STRING
// returns: unit
CREATE (u:Unit {id: $id, name: $name})
RETURN u {.id, .name} AS unit
