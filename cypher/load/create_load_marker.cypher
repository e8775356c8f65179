// Announce a load in progress: until its marker is gone, the nodes that carry the load's id
// in `kflow_load` are an unfinished load, which kflow's readers do not show.
// params: loadId: STRING, startedAt: STRING
// returns: id
CREATE (m:KflowLoad {id: $loadId, startedAt: $startedAt})
RETURN m.id AS id
