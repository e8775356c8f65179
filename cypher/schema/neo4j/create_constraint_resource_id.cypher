// Make the id of :Resource nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT resource_id_unique IF NOT EXISTS FOR (n:Resource) REQUIRE n.id IS UNIQUE
