// Make the id of :Capability nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT capability_id_unique IF NOT EXISTS FOR (n:Capability) REQUIRE n.id IS UNIQUE
