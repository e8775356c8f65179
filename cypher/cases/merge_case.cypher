// Replace one firm's case with the given records, in a single atomic statement.
// Every node of a case carries `firm`; the firm's relationships are dropped and rebuilt and
// nodes no longer in the case are deleted, so loading the same file twice changes nothing.
// Rows are {id, props, ...references}; props hold only model fields, never free-form keys.
// params: firmId: STRING, firm: MAP, ids: LIST<STRING>, units: LIST<MAP>, actors: LIST<MAP>, actorLinks: LIST<MAP>, capabilities: LIST<MAP>, knowledge: LIST<MAP>, learning: LIST<MAP>, flows: LIST<MAP>, sends: LIST<MAP>, resources: LIST<MAP>, integrations: LIST<MAP>, projects: LIST<MAP>, support: LIST<MAP>, tensions: LIST<MAP>, management: LIST<MAP>, caseAnalyses: LIST<MAP>, cellEvents: INTEGER
// returns: firm
MERGE (f:Firm {id: $firmId})
SET f = $firm
WITH f
OPTIONAL MATCH (n {firm: $firmId})-[old]->()
DELETE old
WITH DISTINCT f
// (:Unit:<Role>)-[:PART_OF]->(:Firm), (:Unit)-[:REPORTS_TO]->(:Unit)
FOREACH (row IN $units |
  MERGE (u:Unit {id: row.id})
  SET u = row.props
  REMOVE u:HQ:CapabilityCentre:RegionalHQ:CoreSubsidiary:Subsidiary
  MERGE (u)-[:PART_OF]->(f)
  FOREACH (_ IN CASE WHEN row.props.role = 'hq' THEN [1] ELSE [] END | SET u:HQ)
  FOREACH (_ IN CASE WHEN row.props.role = 'capability_centre' THEN [1] ELSE [] END | SET u:CapabilityCentre)
  FOREACH (_ IN CASE WHEN row.props.role = 'regional_hq' THEN [1] ELSE [] END | SET u:RegionalHQ)
  FOREACH (_ IN CASE WHEN row.props.role = 'core_subsidiary' THEN [1] ELSE [] END | SET u:CoreSubsidiary)
  FOREACH (_ IN CASE WHEN row.props.role = 'subsidiary' THEN [1] ELSE [] END | SET u:Subsidiary)
)
FOREACH (row IN [r IN $units WHERE r.reportsTo IS NOT NULL] |
  MERGE (u:Unit {id: row.id})
  MERGE (boss:Unit {id: row.reportsTo})
  MERGE (u)-[:REPORTS_TO]->(boss)
)
// (:Actor)-[:IN_NETWORK_OF]->(:Firm); (:Actor)-[:ACQUIRED|SUBCONTRACTS_TO|SUBUNIT_OF|JOINT_VENTURE_WITH]->(:Actor)
FOREACH (row IN $actors |
  MERGE (a:Actor {id: row.id})
  SET a = row.props
  MERGE (a)-[:IN_NETWORK_OF]->(f)
)
FOREACH (row IN $actorLinks |
  MERGE (a:Actor {id: row.from})
  MERGE (b:Actor {id: row.to})
  FOREACH (_ IN CASE WHEN row.props.kind = 'acquired' THEN [1] ELSE [] END |
    CREATE (a)-[l:ACQUIRED]->(b) SET l = row.props)
  FOREACH (_ IN CASE WHEN row.props.kind = 'subcontracts_to' THEN [1] ELSE [] END |
    CREATE (a)-[l:SUBCONTRACTS_TO]->(b) SET l = row.props)
  FOREACH (_ IN CASE WHEN row.props.kind = 'subunit_of' THEN [1] ELSE [] END |
    CREATE (a)-[l:SUBUNIT_OF]->(b) SET l = row.props)
  FOREACH (_ IN CASE WHEN row.props.kind = 'joint_venture_with' THEN [1] ELSE [] END |
    CREATE (a)-[l:JOINT_VENTURE_WITH]->(b) SET l = row.props)
)
// (:Firm)-[:HAS_CAPABILITY]->(:Capability)<-[:BUILDS]-(:Knowledge)-[:OF_FIRM]->(:Firm)
FOREACH (row IN $capabilities |
  MERGE (c:Capability {id: row.id})
  SET c = row.props
  MERGE (f)-[:HAS_CAPABILITY]->(c)
)
FOREACH (row IN $knowledge |
  MERGE (k:Knowledge {id: row.id})
  SET k = row.props
  MERGE (k)-[:OF_FIRM]->(f)
  FOREACH (capabilityId IN row.builds |
    MERGE (c:Capability {id: capabilityId})
    MERGE (k)-[:BUILDS]->(c))
)
// (:Unit)-[:LEARNED]->(:LearningEvent)-[:FROM]->(:Actor), (:LearningEvent)-[:YIELDED]->(:Knowledge)
FOREACH (row IN $learning |
  MERGE (e:LearningEvent {id: row.id})
  SET e = row.props
  MERGE (u:Unit {id: row.unit})
  MERGE (a:Actor {id: row.source})
  MERGE (u)-[:LEARNED]->(e)
  MERGE (e)-[:FROM]->(a)
  FOREACH (knowledgeId IN row.knowledge |
    MERGE (k:Knowledge {id: knowledgeId})
    MERGE (e)-[:YIELDED]->(k))
)
// (:Unit)-[:FLOWS {direction, mode, knowledge, date}]->(:Unit)
FOREACH (row IN $flows |
  MERGE (a:Unit {id: row.from})
  MERGE (b:Unit {id: row.to})
  CREATE (a)-[x:FLOWS]->(b)
  SET x = row.props
)
// Derived: (:Unit)-[:SENDS_UP|SENDS_DOWN|SENDS_ACROSS {flows, first_flow, ...}]->(:Unit), one
// per pair and direction, so traversals do not multiply paths by the flows between two units.
FOREACH (row IN $sends |
  MERGE (a:Unit {id: row.from})
  MERGE (b:Unit {id: row.to})
  FOREACH (_ IN CASE WHEN row.direction = 'upward' THEN [1] ELSE [] END |
    CREATE (a)-[s:SENDS_UP]->(b) SET s = row.props)
  FOREACH (_ IN CASE WHEN row.direction = 'downward' THEN [1] ELSE [] END |
    CREATE (a)-[s:SENDS_DOWN]->(b) SET s = row.props)
  FOREACH (_ IN CASE WHEN row.direction = 'horizontal' THEN [1] ELSE [] END |
    CREATE (a)-[s:SENDS_ACROSS]->(b) SET s = row.props)
)
// (:Unit)-[:HOLDS]->(:Resource)
FOREACH (row IN $resources |
  MERGE (r:Resource {id: row.id})
  SET r = row.props
  MERGE (u:Unit {id: row.heldBy})
  MERGE (u)-[:HOLDS]->(r)
)
// (:IntegrationEvent)-[:SPONSORED_BY|BENEFITS|COORDINATED_BY]->(:Unit) (the Table 5
// roles of Fu et al., each only where the source names the unit), -[:USED]->(:Knowledge),
// -[:INVOLVED]->(:Resource)
FOREACH (row IN $integrations |
  MERGE (i:IntegrationEvent {id: row.id})
  SET i = row.props
  FOREACH (unitId IN row.sponsors |
    MERGE (u:Unit {id: unitId})
    MERGE (i)-[:SPONSORED_BY]->(u))
  FOREACH (unitId IN row.beneficiaries |
    MERGE (u:Unit {id: unitId})
    MERGE (i)-[:BENEFITS]->(u))
  FOREACH (unitId IN CASE WHEN row.coordinator IS NULL THEN [] ELSE [row.coordinator] END |
    MERGE (u:Unit {id: unitId})
    MERGE (i)-[:COORDINATED_BY]->(u))
  FOREACH (knowledgeId IN row.knowledge |
    MERGE (k:Knowledge {id: knowledgeId})
    MERGE (i)-[:USED]->(k))
  FOREACH (resourceId IN row.resources |
    MERGE (r:Resource {id: resourceId})
    MERGE (i)-[:INVOLVED]->(r))
)
// (:Unit)-[:WORKS_ON {part}]->(:Project)-[:FOR]->(:Actor), (:Project)-[:INVOLVES]->(:Actor),
// (:Project)-[:COORDINATED_BY]->(:Unit), (:Unit)-[:DEPENDS_ON {project, kind}]->(:Unit)
FOREACH (row IN $projects |
  MERGE (p:Project {id: row.id})
  SET p = row.props
  MERGE (p)-[:OF_FIRM]->(f)
  FOREACH (customerId IN CASE WHEN row.customer IS NULL THEN [] ELSE [row.customer] END |
    MERGE (c:Actor {id: customerId})
    MERGE (p)-[:FOR]->(c))
  FOREACH (actorId IN row.thirdActors |
    MERGE (t:Actor {id: actorId})
    MERGE (p)-[:INVOLVES]->(t))
  FOREACH (unitId IN CASE WHEN row.coordinator IS NULL THEN [] ELSE [row.coordinator] END |
    MERGE (c:Unit {id: unitId})
    MERGE (p)-[:COORDINATED_BY]->(c))
  FOREACH (member IN row.units |
    MERGE (u:Unit {id: member.unit})
    CREATE (u)-[w:WORKS_ON]->(p)
    SET w = member.props)
  FOREACH (dependency IN row.dependencies |
    MERGE (a:Unit {id: dependency.from})
    MERGE (b:Unit {id: dependency.to})
    CREATE (a)-[d:DEPENDS_ON]->(b)
    SET d = dependency.props)
)
// (:Unit)-[:SUPPORTED {project, description, date}]->(:Unit)
FOREACH (row IN $support |
  MERGE (a:Unit {id: row.from})
  MERGE (b:Unit {id: row.to})
  CREATE (a)-[s:SUPPORTED]->(b)
  SET s = row.props
)
// (:Firm)-[:FACES]->(:Tension)-[:BETWEEN]->(:Unit)
FOREACH (row IN $tensions |
  MERGE (t:Tension {id: row.id})
  SET t = row.props
  MERGE (f)-[:FACES]->(t)
  FOREACH (unitId IN row.units |
    MERGE (u:Unit {id: unitId})
    MERGE (t)-[:BETWEEN]->(u))
)
// (:Unit)-[:MANAGES {perspective}]->(:Actor)
FOREACH (row IN $management |
  MERGE (u:Unit {id: row.unit})
  MERGE (a:Actor {id: row.customer})
  CREATE (u)-[m:MANAGES]->(a)
  SET m = row.props
)
// (:CaseAnalysis)-[:OF_FIRM]->(:Firm): reference data, one business case rated (Senn et al.)
FOREACH (row IN $caseAnalyses |
  MERGE (c:CaseAnalysis {id: row.id})
  SET c = row.props
  MERGE (c)-[:OF_FIRM]->(f)
)
WITH f
OPTIONAL MATCH (stale {firm: $firmId})
WHERE NOT stale.id IN $ids
DETACH DELETE stale
// The integration matrix of the firm counts its events again, with the first
// $cellEvents events of each cell in time order (IntegrationCell, see integration/).
WITH DISTINCT f
OPTIONAL MATCH (old:IntegrationCell {of_firm: $firmId})
WITH f, collect(old) AS cells
FOREACH (cell IN cells | SET cell.total = 0, cell.first_keys = [], cell.first_ids = [])
WITH f
OPTIONAL MATCH (i:IntegrationEvent {firm: $firmId})
WITH f, i, coalesce(i.date, '~') AS key
ORDER BY key, i.id
WITH f, i.tier AS tier, i.step AS step, count(i) AS total,
     collect(key)[..$cellEvents] AS keys, collect(i.id)[..$cellEvents] AS ids
FOREACH (_ IN CASE WHEN tier IS NULL THEN [] ELSE [1] END |
  MERGE (cell:IntegrationCell {of_firm: $firmId, tier: tier, step: step})
  SET cell.total = total, cell.first_keys = keys, cell.first_ids = ids)
WITH DISTINCT f
RETURN f {.id, .name} AS firm
