// Create the node of a firm that a load in batches brings in (the firm must be new).
// params: firm: MAP
// returns: firm
CREATE (f:Firm)
SET f = $firm
RETURN f {.id, .name} AS firm
