// Get the ends of a reverse transfer in one round trip: which of the source unit, the named
// target unit and the knowledge item exist, and the default target: the source firm's HQ
// capability centre, or its HQ when it has none.
// params: from: STRING, to: STRING, knowledge: STRING
// returns: ends
// (:Unit {firm}), (:Unit:CapabilityCentre {firm}), (:Unit:HQ {firm})
// A firm has one HQ and few centres, so they are found by label, not through the firm's
// (possibly ten thousand) PART_OF relationships.
OPTIONAL MATCH (source:Unit {id: $from})
OPTIONAL MATCH (centre:CapabilityCentre)
WHERE centre.firm = source.firm
OPTIONAL MATCH (hq:HQ)
WHERE hq.firm = source.firm
WITH source, centre, hq ORDER BY centre.id
WITH source, collect(centre)[0] AS centre, collect(hq)[0] AS hq
// An absent id is looked up as '' (never an id), so the lookup stays on the index.
OPTIONAL MATCH (named:Unit {id: coalesce($to, '')})
OPTIONAL MATCH (item:Knowledge {id: coalesce($knowledge, '')})
RETURN {source: source.id, named: named.id, knowledge: item.id,
        defaultTarget: coalesce(centre.id, hq.id)} AS ends
