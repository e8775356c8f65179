// Get firms by id, in one round trip (the per-request firm loader).
// params: ids: LIST<STRING>
// returns: firm: FirmView
UNWIND $ids AS wanted
MATCH (f:Firm {id: wanted})
RETURN f {.id, .name, .case, .home_country, .industry, .outcome, .summary, .citation,
          .assumption} AS firm
