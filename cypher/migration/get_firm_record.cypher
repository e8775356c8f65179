// Get one firm's node as stored, every property included (to rebuild its record).
// params: firm: STRING
// returns: firm
// (:Firm {id: $firm})
MATCH (f:Firm {id: $firm})
RETURN properties(f) AS firm
