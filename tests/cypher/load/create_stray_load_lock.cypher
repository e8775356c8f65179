// What a stray copy or an attacker could leave alone in the graph: a committed lock on the
// load slot, without any load marker.
// params: loadId: STRING
// returns: forged
CREATE (:KflowLoadLock {slot: 'store', id: $loadId})
RETURN 1 AS forged
