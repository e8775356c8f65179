// Make the id of :Firm nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT firm_id_unique IF NOT EXISTS FOR (n:Firm) REQUIRE n.id IS UNIQUE
