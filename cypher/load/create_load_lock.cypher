// Take the database's one load slot. The transaction that creates this node holds the
// slot's uniqueness lock until it ends and never commits it: a second load cannot take the
// slot meanwhile, and the slot is free again as soon as a load's process dies.
// params: loadId: STRING
// returns: id
CREATE (l:KflowLoadLock {slot: 'store', id: $loadId})
RETURN l.id AS id
