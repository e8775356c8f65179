// Make the id of :Tension nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT tension_id_unique IF NOT EXISTS FOR (n:Tension) REQUIRE n.id IS UNIQUE
