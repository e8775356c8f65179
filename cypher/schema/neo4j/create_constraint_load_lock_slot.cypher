// One load at a time: the load slot's lock node is unique.
// params: (none)
// returns: (none)
CREATE CONSTRAINT load_lock_slot_unique IF NOT EXISTS FOR (n:KflowLoadLock) REQUIRE n.slot IS UNIQUE
