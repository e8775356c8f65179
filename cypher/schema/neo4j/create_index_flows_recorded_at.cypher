// Index when [:FLOWS] relationships were recorded (the recorded subscription polls it).
// params: (none)
// returns: (none)
CREATE INDEX flows_recorded_at IF NOT EXISTS FOR ()-[r:FLOWS]-() ON (r.recorded_at)
