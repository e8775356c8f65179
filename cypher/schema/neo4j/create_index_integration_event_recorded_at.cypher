// Index when integration events were recorded (the recorded subscription polls it).
// params: (none)
// returns: (none)
CREATE INDEX integration_event_recorded_at IF NOT EXISTS FOR (n:IntegrationEvent) ON (n.recorded_at)
