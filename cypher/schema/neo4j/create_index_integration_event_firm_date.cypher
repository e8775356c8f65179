// Index :IntegrationEvent nodes by firm, then date: a firm's dated events are read in date
// order from it, so a page of them reads about its own length.
// params: (none)
// returns: (none)
CREATE INDEX integration_event_firm_date IF NOT EXISTS FOR (n:IntegrationEvent) ON (n.firm, n.date)
