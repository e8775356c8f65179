// Mark the graph as holding a load in progress (a restore written in batches on a store that
// cannot stage it): until the marker is gone, what the graph holds is an unfinished load.
// params: startedAt: STRING
// returns: startedAt
CREATE (m:KflowLoad {startedAt: $startedAt})
RETURN m.startedAt AS startedAt
