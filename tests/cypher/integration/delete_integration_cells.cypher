// Delete every integration matrix count, as in a graph an older kflow wrote before it kept them.
// params: (none)
// returns: deleted
MATCH (c:IntegrationCell)
DELETE c
RETURN count(c) AS deleted
