// Read the integration event counts of a firm per tier and step (Table 3 of Fu et al.), with
// the ids of each cell's first events in time order. Every statement that adds or deletes
// integration events keeps them, so reading the matrix costs the same at any size; a cell no
// event ever fell in is absent (zero).
// params: firm: STRING
// returns: tier, step, total, first
// (:IntegrationCell {of_firm, tier, step, total, first_ids}); `of_firm`, not `firm`, so a cell
// is not one of the nodes of the case (exports, case merges and clean-ups select those by
// `firm`).
MATCH (c:IntegrationCell {of_firm: $firm})
RETURN c.tier AS tier, c.step AS step, c.total AS total, c.first_ids AS first
ORDER BY tier, step
