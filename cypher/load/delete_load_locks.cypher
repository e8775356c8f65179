// Free the load slot: the caller's own lock node (a load publishing), and any that was
// committed by mistake, which would otherwise keep every load out.
// params: (none)
// returns: deleted
MATCH (l:KflowLoadLock)
DELETE l
RETURN count(l) AS deleted
