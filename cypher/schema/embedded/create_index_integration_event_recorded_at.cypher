// Index when integration events were recorded (the recorded subscription polls it).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:IntegrationEvent) ON (n.recorded_at)
