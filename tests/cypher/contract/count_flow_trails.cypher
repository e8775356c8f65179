// Count the flow trails (no relationship used twice) of 1 to 6 hops starting at a unit.
// The regression test for the engine's variable-length paths on cyclic graphs.
// params: from: STRING
// returns: trails
MATCH p = (:Unit {id: $from})-[:FLOWS*1..6]->(:Unit)
RETURN count(p) AS trails
