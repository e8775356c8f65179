// List the flows that leave the given units, each with its stored properties. A firm's
// flows are read a slice of its units at a time, so that no read holds a million of them.
// params: units: LIST<STRING>
// returns: flow
// (:Unit)-[:FLOWS]->(:Unit)
UNWIND $units AS unitId
MATCH (a:Unit {id: unitId})-[r:FLOWS]->(b:Unit)
RETURN {from: a.id, to: b.id, properties: properties(r)} AS flow
