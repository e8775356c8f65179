// Make the id of :IntegrationEvent nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT integration_event_id_unique IF NOT EXISTS FOR (n:IntegrationEvent) REQUIRE n.id IS UNIQUE
