// List the firms in the graph with how their reverse learning turned out.
// params: (none)
// returns: firm: FirmView
MATCH (f:Firm)
RETURN f {.id, .name, .case, .home_country, .industry, .outcome, .summary, .citation,
          .assumption} AS firm
ORDER BY f.id
