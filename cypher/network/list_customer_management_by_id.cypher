// List the customer-management records with the given ids (Relay's node(id) and nodes(ids)
// for a CustomerManagement, batched), as list_customer_management reads them.
// params: ids: LIST<STRING>
// returns: managed: CustomerManagementView
// (:Unit)-[:MANAGES]->(:Actor)
UNWIND $ids AS wanted
MATCH (u:Unit)-[m:MANAGES {id: wanted}]->(a:Actor)
RETURN m {.id, .perspective, .manager, .description, .value_focus, .value_identification,
          .value_specification, .value_realization, .risk_focus, .risk_assessment,
          .risk_reduction, .advantages, .firm, .citation, .assumption, .recorded_at,
          unit: u.id, customer: a {.id, .name, .kind, .country}} AS managed
