// Index when [:FLOWS] relationships were recorded (the recorded subscription polls it).
// params: (none)
// returns: (none)
CREATE INDEX FOR ()-[r:FLOWS]-() ON (r.recorded_at)
