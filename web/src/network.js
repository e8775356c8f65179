// The drawn network: cytoscape with a fixed hub-and-spoke layout, and the highlight states
// (a reverse transfer path, a circulation step, a time filter) the rest of the page asks for.
import cytoscape from "cytoscape";
import { describeDate, overlapsRange } from "./dates.js";
import { bowOutside, layOutHubAndSpoke } from "./layout.js";
import { CURRENT, DIRECTIONS, HIGHLIGHT, ROLES, SOURCE_KINDS, sourceKindOf } from "./style.js";

/** A label short enough for the drawing: the name without a long trailing explanation. */
function shortLabel(name) {
  // "(US)" tells two units apart; "(joint venture and strategic alliance)" only explains.
  return name.replace(/\s*\(([^)]{16,})\)\s*$/, "");
}

/** Short labels for every name, falling back to the full name where two would read alike. */
function labelsFor(names) {
  const short = new Map([...new Set(names)].map((name) => [name, shortLabel(name)]));
  const seen = new Map();
  for (const label of short.values()) seen.set(label, (seen.get(label) ?? 0) + 1);
  return (name) => (seen.get(short.get(name)) > 1 ? name : short.get(name));
}

// Wider edges would cover the nodes they join.
const MAX_EDGE_WIDTH = 16;

/** Edge width for a link's volume: one flow is thin, and it grows with the square root. */
function widthForVolume(volume) {
  return Math.min(MAX_EDGE_WIDTH, 2 + 3 * (Math.sqrt(volume) - 1) * 1.6);
}

function buildStyle() {
  const style = [
    {
      selector: "node",
      style: {
        label: "data(label)",
        "font-family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        "font-size": 14,
        color: "#1b1f24",
        "text-wrap": "wrap",
        "text-max-width": 150,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.85,
        "text-background-padding": 2,
        "text-background-shape": "round-rectangle",
        "text-valign": "bottom",
        "text-margin-y": 4,
        "border-width": 2,
        "border-color": "#ffffff",
        "underlay-padding": 9,
        "underlay-opacity": 0,
        "underlay-shape": "ellipse",
        "transition-property": "opacity, underlay-opacity",
        "transition-duration": 200,
      },
    },
    { selector: "node.label-east", style: { "text-halign": "right", "text-valign": "center", "text-margin-x": 6, "text-margin-y": 0 } },
    { selector: "node.label-west", style: { "text-halign": "left", "text-valign": "center", "text-margin-x": -6, "text-margin-y": 0 } },
    { selector: "node.label-north", style: { "text-valign": "top", "text-margin-y": -4 } },
    { selector: "node.centre", style: { "font-weight": "bold", "font-size": 15, "text-max-width": 190 } },
    { selector: "node.source", style: { width: 22, height: 22, "font-size": 13, color: "#383d44" } },
    { selector: "node.role-GROUP", style: { "border-color": "#6b7280", "border-width": 2, "border-style": "dashed" } },
    { selector: "node.folded", style: { display: "none" } },
    {
      selector: "edge",
      style: {
        "curve-style": "bezier",
        "control-point-step-size": 26,
        "target-arrow-shape": "triangle",
        "arrow-scale": 1.1,
        "underlay-padding": 5,
        "underlay-opacity": 0,
        "transition-property": "opacity, underlay-opacity",
        "transition-duration": 200,
      },
    },
    {
      selector: "edge.flow",
      style: {
        width: "data(width)",
        "font-size": 12,
        "text-background-color": "#ffffff",
        "text-background-opacity": 0.95,
        "text-background-padding": 2,
      },
    },
    // Edge labels collide wherever edges cross, so a flow's count shows only under the pointer.
    { selector: "edge.flow.hovered", style: { label: "data(volumeLabel)", "z-index": 50 } },
    {
      // Bowed outside the hub ring, so edges between spokes do not cross the hubs' labels.
      selector: "edge.flow.bowed",
      style: { "curve-style": "unbundled-bezier", "control-point-weights": 0.5, "control-point-distances": "data(bow)" },
    },
    {
      selector: "edge.hierarchy",
      style: { "curve-style": "haystack", "haystack-radius": 0, width: 1.5, "line-color": "#c5cad3", "target-arrow-shape": "none" },
    },
    {
      selector: "edge.learning",
      style: { width: 1.4, "line-color": "#a9aeb6", "target-arrow-color": "#a9aeb6", "arrow-scale": 0.7, "curve-style": "straight" },
    },
    { selector: "edge.time-out", style: { opacity: 0.12 } },
    // Faded nodes stay legible: the reader still needs to know where the highlight sits.
    { selector: "node.faded", style: { opacity: 0.45 } },
    { selector: "edge.faded", style: { opacity: 0.2 } },
    { selector: "edge.time-out.faded", style: { opacity: 0.08 } },
    {
      selector: ".on-path, .circ-seen",
      style: { opacity: 1, "underlay-color": HIGHLIGHT, "underlay-opacity": 0.75, "z-index": 20 },
    },
    { selector: "node.on-path, node.circ-seen", style: { "border-color": "#1b1f24", "border-width": 3 } },
    {
      selector: ".path-current, .circ-current",
      style: { opacity: 1, "underlay-color": CURRENT, "underlay-opacity": 0.55, "z-index": 30 },
    },
    {
      // A lit hop or step says where it falls in the sequence and when it happened.
      selector: "edge.hop-labelled",
      style: {
        label: "data(hopLabel)",
        "font-size": 13,
        "font-weight": "bold",
        color: "#1b1f24",
        "text-background-color": "#ffffff",
        "text-background-opacity": 1,
        "text-background-padding": 3,
        "text-border-width": 1,
        "text-border-color": "#1b1f24",
        "text-border-opacity": 1,
        "z-index": 40,
      },
    },
    { selector: "node.selected-unit", style: { "border-color": "#1b1f24", "border-width": 4 } },
    { selector: "node:selected", style: { "overlay-opacity": 0 } },
    { selector: "edge:selected", style: { "overlay-opacity": 0.12, "overlay-color": "#1b1f24" } },
    { selector: "node.keyboard-focus", style: { "overlay-color": "#1b1f24", "overlay-opacity": 0.18, "overlay-padding": 8 } },
  ];
  for (const [role, look] of Object.entries(ROLES)) {
    style.push({
      selector: `node.role-${role}`,
      style: { "background-color": look.colour, shape: look.shape, width: look.size, height: look.size },
    });
  }
  for (const [kind, look] of Object.entries(SOURCE_KINDS)) {
    style.push({ selector: `node.kind-${kind}`, style: { "background-color": look.colour, shape: look.shape } });
  }
  for (const [direction, look] of Object.entries(DIRECTIONS)) {
    style.push({
      selector: `edge.direction-${direction}`,
      style: { "line-color": look.colour, "target-arrow-color": look.colour, "line-style": look.line, color: look.colour },
    });
  }
  // What a release would cut off: greyed and dashed over any role's or direction's look; the
  // released unit itself ringed in red.
  style.push(
    { selector: "node.cut-off", style: { "background-color": "#c9ccd1", "border-color": "#8a8f98", "border-style": "dashed", "border-width": 2, opacity: 0.6 } },
    { selector: "edge.cut-off", style: { opacity: 0.15, "line-style": "dashed" } },
    { selector: "node.released", style: { "border-color": "#b42318", "border-width": 5, "border-style": "double" } },
  );
  return style;
}

/** The cytoscape elements of a firmNetwork answer, laid out as hub and spokes. */
function buildElements(network) {
  const sources = network.sources.map((link) => ({ sourceId: link.source.id, unitId: link.unit.id }));
  const layout = layOutHubAndSpoke(network.units, sources);
  const unitIds = new Set(network.units.map((unit) => unit.id));
  const elements = [];
  const labelClass = (id) => `label-${layout.positions.get(id).labelSide}`;
  const labelOf = labelsFor([...network.units.map((unit) => unit.name), ...network.sources.map((link) => link.source.name)]);

  for (const unit of network.units) {
    const at = layout.positions.get(unit.id);
    elements.push({
      group: "nodes",
      data: { id: unit.id, label: labelOf(unit.name), name: unit.name, role: unit.role, ring: at.ring, kind: "unit" },
      position: { x: at.x, y: at.y },
      classes: ["unit", `role-${unit.role}`, labelClass(unit.id), unit.id === layout.centreId ? "centre" : ""].join(" "),
    });
    // Reporting lines are drawn faintly: they show the grouping, flows carry the knowledge.
    if (unit.reportsTo && unitIds.has(unit.reportsTo.id)) {
      elements.push({
        group: "edges",
        data: { id: `reports:${unit.id}`, source: unit.id, target: unit.reportsTo.id, kind: "hierarchy" },
        classes: "hierarchy",
        selectable: false,
      });
    }
  }

  const actors = new Map();
  for (const link of network.sources) actors.set(link.source.id, link.source);
  for (const actor of actors.values()) {
    const at = layout.positions.get(actor.id);
    elements.push({
      group: "nodes",
      data: { id: actor.id, label: labelOf(actor.name), name: actor.name, actorKind: actor.kind, ring: at.ring, kind: "source" },
      position: { x: at.x, y: at.y },
      classes: `source kind-${sourceKindOf(actor.kind)} ${labelClass(actor.id)}`,
    });
  }
  for (const link of network.sources) {
    elements.push({
      group: "edges",
      data: {
        id: `learned:${link.source.id}>${link.unit.id}`,
        source: link.source.id,
        target: link.unit.id,
        kind: "learning",
        channel: link.channel,
        events: link.events,
      },
      classes: "learning",
    });
  }

  for (const link of network.links) {
    const bow =
      link.from.id === layout.centreId || link.to.id === layout.centreId
        ? 0
        : bowOutside(layout.positions.get(link.from.id), layout.positions.get(link.to.id), layout.hubRing);
    elements.push({
      group: "edges",
      data: {
        id: linkId(link.from.id, link.to.id, link.direction),
        source: link.from.id,
        target: link.to.id,
        kind: "flow",
        direction: link.direction,
        volume: link.volume,
        width: widthForVolume(link.volume),
        volumeLabel: `${link.volume} flow${link.volume === 1 ? "" : "s"}`,
        flows: link.flows,
        bow,
      },
      classes: `flow direction-${link.direction}${bow ? " bowed" : ""}`,
    });
  }
  return { elements, centreId: layout.centreId };
}

/** The id of the edge that stands for the flows from one unit to another in one direction. */
export function linkId(fromId, toId, direction) {
  return `flows:${fromId}>${toId}:${direction}`;
}

/**
 * Create the network view in a container.
 * onSelectUnit(id), onSelectSource(id), onSelectLink(edgeData), onClear() report clicks.
 */
export function createNetworkView(container, { onSelectUnit, onSelectSource, onSelectLink, onClear }) {
  const cy = cytoscape({
    container,
    style: buildStyle(),
    layout: { name: "preset" },
    minZoom: 0.2,
    maxZoom: 3,
    boxSelectionEnabled: false,
    autoungrabify: true,
  });
  let flowToEdge = new Map();
  let centreId = null;

  cy.on("tap", "node.unit", (event) => onSelectUnit(event.target.id()));
  cy.on("tap", "node.source", (event) => onSelectSource(event.target.id()));
  cy.on("tap", "edge.flow", (event) => onSelectLink(event.target.data()));
  cy.on("mouseover", "edge.flow", (event) => event.target.addClass("hovered"));
  cy.on("mouseout", "edge.flow", (event) => event.target.removeClass("hovered"));
  cy.on("tap", (event) => {
    if (event.target === cy) onClear();
  });
  // Refit when the page is resized, so the whole network stays in view.
  new ResizeObserver(() => {
    if (cy.elements().length) {
      cy.resize();
      cy.fit(undefined, 24);
    }
  }).observe(container);

  const view = {
    cy,

    /** Draw a firm's network, replacing whatever was drawn. */
    render(network) {
      const built = buildElements(network);
      centreId = built.centreId;
      cy.elements().remove();
      cy.add(built.elements);
      flowToEdge = new Map();
      cy.edges(".flow").forEach((edge) => {
        for (const flow of edge.data("flows")) flowToEdge.set(flow.id, edge);
      });
      cy.resize();
      cy.fit(undefined, 24);
    },

    centreId: () => centreId,

    /** The drawn edge that carries a flow, or an empty collection. */
    edgeOfFlow(flowId) {
      return flowToEdge.get(flowId) ?? cy.collection();
    },

    /** Remove every focus highlight (paths, circulation steps, selection). */
    clearFocus() {
      cy.elements().removeClass("faded on-path path-current circ-seen circ-current selected-unit hop-labelled cut-off released");
    },

    /** Grey the drawn units a release would cut off, and their flows; returns how many are drawn. */
    showRelease(unitId, cutOffIds) {
      cy.elements().removeClass("cut-off released");
      const cut = cy.collection();
      for (const id of cutOffIds) cut.merge(cy.getElementById(id));
      cut.addClass("cut-off");
      cut.connectedEdges(".flow").addClass("cut-off");
      cy.getElementById(unitId).addClass("released");
      return cut.length;
    },

    /** Mark the selected unit. */
    markSelectedUnit(unitId) {
      cy.nodes().removeClass("selected-unit");
      if (unitId) cy.getElementById(unitId).addClass("selected-unit");
    },

    /** Highlight a reverse transfer path up to hop `upTo` (0-based, inclusive); the rest fades. */
    showPath(path, upTo) {
      cy.elements().removeClass("on-path path-current circ-seen circ-current hop-labelled").addClass("faded");
      path.hops.forEach((hop, i) => {
        if (i > upTo) return;
        const node = cy.getElementById(hop.unit.id);
        const edge = hop.flow ? view.edgeOfFlow(hop.flow.id) : cy.collection();
        edge.data("hopLabel", `${i}: ${describeDate(hop.flow?.date)}`).addClass("hop-labelled");
        node.union(edge).removeClass("faded").addClass("on-path");
        if (i === upTo) node.union(edge).addClass("path-current");
      });
    },

    /** Highlight a circulation up to step `current`; the step itself stands out. */
    showCirculation(timeline, current) {
      cy.elements().removeClass("on-path path-current circ-seen circ-current hop-labelled").addClass("faded");
      timeline.forEach((step, i) => {
        if (i > current) return;
        const touched = view.elementsOfStep(step);
        touched.edges().data("hopLabel", `${i + 1}: ${describeDate(step.date)}`).addClass("hop-labelled");
        touched.removeClass("faded").addClass("circ-seen");
        if (i === current) touched.addClass("circ-current");
      });
    },

    /** The nodes and edges one circulation step touches. */
    elementsOfStep(step) {
      if (step.learning) {
        const { source, unit } = step.learning;
        return cy
          .getElementById(source.id)
          .union(cy.getElementById(unit.id))
          .union(cy.getElementById(`learned:${source.id}>${unit.id}`));
      }
      if (step.flow) {
        return view
          .edgeOfFlow(step.flow.id)
          .union(cy.getElementById(step.flow.from?.id ?? ""))
          .union(cy.getElementById(step.flow.to?.id ?? ""));
      }
      if (step.integration) {
        const { sponsors = [], beneficiaries = [], coordinator = null } = step.integration;
        return [...sponsors, ...beneficiaries, ...(coordinator ? [coordinator] : [])].reduce(
          (found, unit) => found.union(cy.getElementById(unit.id)),
          cy.collection(),
        );
      }
      return cy.collection();
    },

    /**
     * Dim flow edges none of whose flows fall in the year range; undated flows count as in
     * range when range.includeUndated, as out otherwise. Returns {dated, undated, outside}
     * flow counts for the legend.
     */
    applyRange(range) {
      const counts = { dated: 0, undated: 0, outside: 0 };
      cy.edges(".flow").forEach((edge) => {
        let visible = false;
        for (const flow of edge.data("flows")) {
          const inside = overlapsRange(flow.date, null, range);
          if (inside === null) counts.undated += 1;
          else counts.dated += 1;
          if (inside === false) counts.outside += 1;
          else if (inside === true || range.includeUndated) visible = true;
        }
        edge.toggleClass("time-out", !visible);
      });
      return counts;
    },

    /**
     * Hide the units that report to a unit, directly or further down, and say on its label
     * how many are folded. Returns how many were hidden.
     */
    fold(unitId) {
      const node = cy.getElementById(unitId);
      const below = new Set();
      let frontier = [unitId];
      while (frontier.length) {
        const next = [];
        for (const id of frontier) {
          cy.edges(".hierarchy").filter((edge) => edge.target().id() === id).forEach((edge) => {
            const child = edge.source().id();
            if (!below.has(child)) {
              below.add(child);
              next.push(child);
            }
          });
        }
        frontier = next;
      }
      for (const id of below) cy.getElementById(id).addClass("folded");
      if (!node.data("baseLabel")) node.data("baseLabel", node.data("label"));
      node.data("label", `${node.data("baseLabel")} (+${below.size} folded)`);
      node.data("folded", below.size);
      return below.size;
    },

    /** Show again the units folded under a unit. */
    unfold(unitId) {
      const node = cy.getElementById(unitId);
      this.fold(unitId);
      cy.$(".folded").forEach((other) => {
        if (view.foldedUnder(other.id()) === unitId) other.removeClass("folded");
      });
      node.data("label", node.data("baseLabel"));
      node.data("folded", 0);
    },

    /** The folded unit whose fold hides this one, or null. */
    foldedUnder(unitId) {
      let edge = cy.getElementById(`reports:${unitId}`);
      while (edge.nonempty()) {
        const parent = edge.target();
        if (parent.data("folded")) return parent.id();
        edge = cy.getElementById(`reports:${parent.id()}`);
      }
      return null;
    },

    /** Units in the order the keyboard walks them: centre, hub ring, subsidiaries. */
    unitsInOrder() {
      return cy
        .nodes(".unit")
        .filter((node) => !node.hasClass("folded"))
        .toArray()
        .sort((a, b) => a.data("ring") - b.data("ring") || a.id().localeCompare(b.id()));
    },
  };
  return view;
}
