// Find ids among the given ones that already belong to another firm's nodes.
// params: firmId: STRING, ids: LIST<STRING>
// returns: node
MATCH (n)
WHERE n.id IN $ids AND n.firm <> $firmId
RETURN n {.id, .firm} AS node
ORDER BY n.id
