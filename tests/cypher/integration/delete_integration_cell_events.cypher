// Remove the first events every integration matrix cell keeps, as in a graph an older kflow
// wrote when it kept the counts alone.
// params: (none)
// returns: cells
MATCH (c:IntegrationCell)
REMOVE c.first_keys, c.first_ids
RETURN count(c) AS cells
