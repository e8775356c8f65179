// What an attacker or a stray copy could leave in the graph: a load marker naming a load id,
// one naming none, and a committed lock on the load slot.
// params: loadId: STRING, startedAt: STRING
// returns: forged
CREATE (:KflowLoad {id: $loadId, startedAt: $startedAt})
CREATE (:KflowLoad {startedAt: $startedAt})
CREATE (:KflowLoadLock {slot: 'store', id: $loadId})
RETURN 3 AS forged
