// List a firm's customers managed as assets (Senn, Thoma & Yip): the manager's unit, the
// customer, the perspective, what was done at each stage of their Figure 1, the advantages.
// params: firm: STRING
// returns: managed: CustomerManagementView
// (:Unit)-[:MANAGES]->(:Actor)
MATCH (u:Unit)-[m:MANAGES]->(a:Actor)
WHERE m.firm = $firm
RETURN m {.id, .perspective, .manager, .description, .value_focus, .value_identification,
          .value_specification, .value_realization, .risk_focus, .risk_assessment,
          .risk_reduction, .advantages, .firm, .citation, .assumption, .recorded_at,
          unit: u.id, customer: a {.id, .name, .kind, .country}} AS managed
ORDER BY managed.id
