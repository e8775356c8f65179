// Index the firm of :IntegrationCell nodes (a firm's integration matrix is read by it).
// params: (none)
// returns: (none)
CREATE INDEX integration_cell_firm IF NOT EXISTS FOR (n:IntegrationCell) ON (n.of_firm)
