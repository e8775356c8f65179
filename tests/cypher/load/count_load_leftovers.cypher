// What an unfinished or removed load could leave: nodes still tagged with a load id, load
// markers and committed locks of the load slot.
// params: (none)
// returns: tagged, markers, locks
OPTIONAL MATCH (n) WHERE n.kflow_load IS NOT NULL
WITH count(n) AS tagged
OPTIONAL MATCH (m:KflowLoad)
WITH tagged, count(m) AS markers
OPTIONAL MATCH (l:KflowLoadLock)
RETURN tagged, markers, count(l) AS locks
