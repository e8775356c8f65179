// Take the write lock on a load's marker: the loading process holds it until it publishes,
// so another transaction gets it only once that process is gone.
// params: claimedAt: STRING
// returns: claimed
MATCH (m:KflowLoad)
SET m.claimedAt = $claimedAt
RETURN count(m) AS claimed
