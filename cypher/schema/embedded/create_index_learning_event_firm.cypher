// Index the firm of :LearningEvent nodes (a firm's learning events are listed and paged by it).
// params: (none)
// returns: (none)
CREATE INDEX FOR (n:LearningEvent) ON (n.firm)
