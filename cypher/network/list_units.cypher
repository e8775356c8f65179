// List units, optionally of one firm, one role and one country, in id order, one page at a time.
// params: firm: STRING, role: STRING, country: STRING, skip: INTEGER, limit: INTEGER
// returns: unit: UnitView
// (:Unit)-[:PART_OF]->(:Firm), (:Unit)-[:REPORTS_TO]->(:Unit)
MATCH (u:Unit)
WHERE ($firm IS NULL OR u.firm = $firm)
  AND ($role IS NULL OR u.role = $role)
  AND ($country IS NULL OR u.country = $country)
OPTIONAL MATCH (u)-[:REPORTS_TO]->(boss:Unit)
RETURN u {.id, .name, .role, .country, .market, .firm, .citation, .assumption,
          reportsTo: boss.id} AS unit
ORDER BY u.id
SKIP $skip
LIMIT $limit
