// Make the id of :ApiKey nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT api_key_id_unique IF NOT EXISTS FOR (n:ApiKey) REQUIRE n.id IS UNIQUE
