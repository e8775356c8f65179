// Make the id of :Project nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT project_id_unique IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE
