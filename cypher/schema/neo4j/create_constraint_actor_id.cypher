// Make the id of :Actor nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT actor_id_unique IF NOT EXISTS FOR (n:Actor) REQUIRE n.id IS UNIQUE
