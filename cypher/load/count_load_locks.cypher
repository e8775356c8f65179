// How many lock nodes of the load slot were committed: a live load never commits its own,
// so any found is a stray that would keep every restore out.
// params: (none)
// returns: locks
MATCH (l:KflowLoadLock)
RETURN count(l) AS locks
