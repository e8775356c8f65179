// Remove the markers of these loads (published or removed), and any marker without a load
// id, which names no load's nodes.
// params: loadIds: LIST<STRING>
// returns: deleted
MATCH (m:KflowLoad)
WHERE m.id IS NULL OR m.id IN $loadIds
DELETE m
RETURN count(m) AS deleted
