// Make the id of :Knowledge nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT knowledge_id_unique IF NOT EXISTS FOR (n:Knowledge) REQUIRE n.id IS UNIQUE
