// Make the id of :LearningEvent nodes unique (this also indexes it).
// params: (none)
// returns: (none)
CREATE CONSTRAINT learning_event_id_unique IF NOT EXISTS FOR (n:LearningEvent) REQUIRE n.id IS UNIQUE
