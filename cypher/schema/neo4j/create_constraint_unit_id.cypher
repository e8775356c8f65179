// Make the id of :Unit nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT unit_id_unique IF NOT EXISTS FOR (n:Unit) REQUIRE n.id IS UNIQUE
