// Answer one row without touching the graph: proves the database exists and answers.
// params: (none)
// returns: ok
RETURN 1 AS ok
