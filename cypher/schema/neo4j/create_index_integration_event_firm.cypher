// Index the firm of :IntegrationEvent nodes (a firm's events are listed and counted by it).
// params: (none)
// returns: (none)
CREATE INDEX integration_event_firm IF NOT EXISTS FOR (n:IntegrationEvent) ON (n.firm)
