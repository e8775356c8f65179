// Turn the AT relationship an older kflow drew from each integration event to one unit
// (documented then as the event's sponsor) into SPONSORED_BY, the role it stood for.
// params: (none)
// returns: moved
MATCH (i:IntegrationEvent)-[old:AT]->(u:Unit)
MERGE (i)-[:SPONSORED_BY]->(u)
DELETE old
RETURN count(*) AS moved
