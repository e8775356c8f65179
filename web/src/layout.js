// Hub-and-spoke layout: the hub at the centre, regional hubs on the first ring, each hub's
// subsidiaries on the second ring around its angle, and learning sources at the rim.
// Pure geometry, so the picture is the same on every load (no force simulation to settle).

const HUB_ROLES = new Set(["HQ", "CAPABILITY_CENTRE", "REGIONAL_HQ"]);
const HUB_ORDER = { HQ: 0, CAPABILITY_CENTRE: 1, REGIONAL_HQ: 2 };
const TAU = Math.PI * 2;
// Past this, a hub's subsidiaries would drift to the far side of the circle from their hub.
const MAX_SPOKE_STEP = 0.85;
// The arc a label needs so that neighbouring labels do not overlap.
const LABEL_ARC_PX = 118;
// Hub labels are longer (and carry counts when subsidiaries are grouped): a wider arc each.
const HUB_LABEL_ARC_PX = 170;
// Labels run horizontally and the drawing area is wider than tall, so rings are ellipses.
const STRETCH_X = 1.45;

/** The unit drawn at the centre: the HQ capability centre, or the HQ when there is none. */
export function pickCentre(units) {
  return (
    units.find((unit) => unit.role === "CAPABILITY_CENTRE") ??
    units.find((unit) => unit.role === "HQ") ??
    units[0]
  );
}

/** The hub a unit is grouped under: its nearest ancestor on the hub ring, or null. */
function findGroupHub(unit, byId, hubIds) {
  const seen = new Set();
  let parentId = unit.reportsTo?.id;
  while (parentId && !seen.has(parentId)) {
    if (hubIds.has(parentId)) return parentId;
    seen.add(parentId);
    parentId = byId.get(parentId)?.reportsTo?.id;
  }
  return null;
}

/** Where a label goes so it points away from the centre. */
function sideFacingOut(angle) {
  const x = Math.cos(angle);
  const y = Math.sin(angle);
  if (Math.abs(x) >= 0.4) return x > 0 ? "east" : "west";
  return y > 0 ? "south" : "north";
}

/** Angle a minus angle b, folded into (-pi, pi]. */
function angleBetween(a, b) {
  let diff = (a - b) % TAU;
  if (diff <= -Math.PI) diff += TAU;
  if (diff > Math.PI) diff -= TAU;
  return diff;
}

/** The circular mean of some angles, or null when they cancel out (or there are none). */
function meanAngle(angles) {
  const x = angles.reduce((sum, a) => sum + Math.cos(a), 0);
  const y = angles.reduce((sum, a) => sum + Math.sin(a), 0);
  return Math.hypot(x, y) < 1e-6 ? null : Math.atan2(y, x);
}

/** The middle of the widest empty arc between the given angles. */
function widestGapMiddle(angles) {
  if (angles.length === 0) return -Math.PI / 2;
  const sorted = [...angles].map((a) => ((a % TAU) + TAU) % TAU).sort((a, b) => a - b);
  let best = { size: -1, middle: 0 };
  sorted.forEach((start, i) => {
    const end = i + 1 < sorted.length ? sorted[i + 1] : sorted[0] + TAU;
    if (end - start > best.size) best = { size: end - start, middle: (start + end) / 2 };
  });
  return best.middle;
}

/** Push angles apart until neighbours are at least minGap apart, keeping their order. */
function spreadAngles(items, minGap) {
  if (items.length < 2) return;
  for (let round = 0; round < 200; round += 1) {
    items.sort((a, b) => a.angle - b.angle);
    let moved = false;
    items.forEach((item, i) => {
      const next = items[(i + 1) % items.length];
      const gap = angleBetween(next.angle, item.angle);
      const wanted = items.length * minGap > TAU ? TAU / items.length : minGap;
      if (gap >= 0 && gap < wanted - 1e-6) {
        const push = (wanted - gap) / 2;
        item.angle -= push;
        next.angle += push;
        moved = true;
      }
    });
    if (!moved) return;
  }
}

/**
 * Positions for a firm network.
 * units: [{id, role, reportsTo: {id} | null}]; sources: [{sourceId, unitId}].
 * Returns {centreId, positions: Map(id -> {x, y, ring, angle, labelSide}), groupOf: Map,
 * hubRing: {rx, ry}} (the ellipse the regional hubs sit on).
 */
export function layOutHubAndSpoke(units, sources) {
  const positions = new Map();
  const groupOf = new Map();
  if (units.length === 0) return { centreId: null, positions, groupOf, hubRing: { rx: 0, ry: 0 } };

  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const centre = pickCentre(units);
  positions.set(centre.id, { x: 0, y: 0, ring: 0, angle: 0, labelSide: "south" });

  const hubs = units
    .filter((unit) => unit.id !== centre.id && HUB_ROLES.has(unit.role))
    .sort((a, b) => HUB_ORDER[a.role] - HUB_ORDER[b.role] || a.id.localeCompare(b.id));
  const hubIds = new Set(hubs.map((hub) => hub.id));
  const spokes = units
    .filter((unit) => unit.id !== centre.id && !hubIds.has(unit.id))
    .sort((a, b) => a.id.localeCompare(b.id));

  // Each hub owns a sector sized by its subsidiaries; a subsidiary with no hub owns its own.
  const sectors = hubs.map((hub) => ({ hub, spokes: [] }));
  const sectorOfHub = new Map(sectors.map((sector) => [sector.hub.id, sector]));
  for (const spoke of spokes) {
    const hubId = findGroupHub(spoke, byId, hubIds);
    groupOf.set(spoke.id, hubId);
    if (hubId) sectorOfHub.get(hubId).spokes.push(spoke);
    else sectors.push({ hub: null, spokes: [spoke] });
  }
  const weight = (sector) => Math.max(1, sector.spokes.length);
  const totalWeight = sectors.reduce((sum, sector) => sum + weight(sector), 0);

  // Each ring is long enough for its labels, and the spokes' ring stays well outside the hubs'.
  const hubRadius = Math.max(140, (hubs.length * HUB_LABEL_ARC_PX) / TAU);
  // With no spokes (a large firm drawn in groups) the drawing ends at the hubs' ring.
  const spokeRadius = spokes.length
    ? Math.max(250, (spokes.length * LABEL_ARC_PX) / TAU, hubRadius / 0.56)
    : hubRadius;
  // The first sector (the HQ, when the capability centre holds the middle) sits at the top.
  let start = sectors.length ? -Math.PI / 2 - (Math.PI * weight(sectors[0])) / totalWeight : 0;
  const hubAngles = [];
  for (const sector of sectors) {
    const span = (TAU * weight(sector)) / totalWeight;
    const middle = start + span / 2;
    start += span;
    if (sector.hub) hubAngles.push({ id: sector.hub.id, angle: middle });
    const count = sector.spokes.length;
    const step = Math.min(span / count, MAX_SPOKE_STEP);
    sector.spokes.forEach((spoke, i) => {
      const angle = middle + (i - (count - 1) / 2) * step;
      positions.set(spoke.id, {
        x: STRETCH_X * spokeRadius * Math.cos(angle),
        y: spokeRadius * Math.sin(angle),
        ring: 2,
        angle,
        labelSide: sideFacingOut(angle),
      });
    });
  }

  // Hubs sit at their sectors' middles, pushed apart where a wide sector crowds the others.
  spreadAngles(hubAngles, HUB_LABEL_ARC_PX / hubRadius);
  for (const { id, angle } of hubAngles) {
    positions.set(id, {
      x: STRETCH_X * hubRadius * Math.cos(angle),
      y: hubRadius * Math.sin(angle),
      ring: 1,
      angle,
      labelSide: sideFacingOut(angle),
    });
  }

  // A source sits outside the units it feeds; sources of the centre alone fill the gaps.
  const fed = new Map();
  for (const link of sources) {
    if (!fed.has(link.sourceId)) fed.set(link.sourceId, []);
    const at = positions.get(link.unitId);
    if (at && at.ring > 0) fed.get(link.sourceId).push(at.angle);
  }
  const rim = [...fed.keys()].sort().map((id) => ({ id, angle: meanAngle(fed.get(id)) }));
  const taken = [...positions.values()].filter((at) => at.ring > 0).map((at) => at.angle);
  for (const item of rim.filter((entry) => entry.angle === null)) {
    item.angle = widestGapMiddle([...taken, ...rim.filter((e) => e.angle !== null).map((e) => e.angle)]);
  }
  const rimRadius = Math.max(spokeRadius + 130, (rim.length * 60) / TAU);
  spreadAngles(rim, 60 / rimRadius + 0.06);
  for (const item of rim) {
    positions.set(item.id, {
      x: STRETCH_X * rimRadius * Math.cos(item.angle),
      y: rimRadius * Math.sin(item.angle),
      ring: 3,
      angle: item.angle,
      labelSide: sideFacingOut(item.angle),
    });
  }
  positions.get(centre.id).labelSide = quietestSide([...positions.values()].filter((at) => at.ring === 1 || at.ring === 2));
  return { centreId: centre.id, positions, groupOf, hubRing: { rx: STRETCH_X * hubRadius, ry: hubRadius } };
}

/**
 * How far (perpendicular to the chord, in cytoscape's sign) a curved edge between two points
 * must bow so that it passes outside the hub ring, or 0 when the straight line already does.
 * Edges between spokes would otherwise cut through the hubs and the centre's label.
 */
export function bowOutside(from, to, ring) {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const length = Math.hypot(dx, dy);
  if (length < 1 || ring.rx === 0) return 0;
  // The point of the chord nearest the centre (0, 0).
  const t = Math.max(0, Math.min(1, -(from.x * dx + from.y * dy) / (length * length)));
  const near = { x: from.x + t * dx, y: from.y + t * dy };
  const angle = Math.atan2(near.y, near.x);
  const ringAt = 1 / Math.hypot(Math.cos(angle) / ring.rx, Math.sin(angle) / ring.ry);
  const clearance = ringAt * 1.12;
  const distance = Math.hypot(near.x, near.y);
  if (distance >= clearance) return 0;
  // Cytoscape measures control point distances along the chord's left-hand normal.
  const normal = { x: -dy / length, y: dx / length };
  const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  const across = mid.x * normal.x + mid.y * normal.y;
  // A quadratic curve's apex lies halfway to its control point.
  return (across >= 0 ? 1 : -1) * 2 * Math.max(0, clearance - Math.abs(across));
}

/** The side of the centre furthest from any unit around it, so its label covers no edge. */
function quietestSide(around) {
  const sides = { east: 0, west: Math.PI, south: Math.PI / 2, north: -Math.PI / 2 };
  // Units on the first ring are the centre's nearest neighbours; the second ring counts when it is alone.
  const nearest = around.some((at) => at.ring === 1) ? around.filter((at) => at.ring === 1) : around;
  let best = { side: "south", clearance: -1 };
  for (const [side, angle] of Object.entries(sides)) {
    const clearance = Math.min(Math.PI, ...nearest.map((at) => Math.abs(angleBetween(at.angle, angle))));
    if (clearance > best.clearance + 1e-6) best = { side, clearance };
  }
  return best.side;
}
