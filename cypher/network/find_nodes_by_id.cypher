// Find any nodes by id with their labels (Relay's node(id), and checks before writes).
// Ids are unique across the whole graph, not only per label.
// params: ids: LIST<STRING>
// returns: node
UNWIND $ids AS wanted
MATCH (n {id: wanted})
RETURN {id: n.id, labels: labels(n), properties: properties(n)} AS node
