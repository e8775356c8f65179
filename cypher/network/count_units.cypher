// Count the units that list_units_page pages through.
// params: firm: STRING, role: STRING, country: STRING
// returns: total
MATCH (u:Unit)
WHERE ($firm IS NULL OR u.firm = $firm)
  AND ($role IS NULL OR u.role = $role)
  AND ($country IS NULL OR u.country = $country)
RETURN count(u) AS total
