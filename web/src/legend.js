// The legends: drawn as inline SVG swatches from the same tables the network uses.
import { CURRENT, DIRECTIONS, HIGHLIGHT, ROLES, SOURCE_KINDS, STEPS } from "./style.js";

const SHAPES = {
  star: "M9 1 L11.2 6.6 L17 6.9 L12.5 10.6 L14 16.4 L9 13.1 L4 16.4 L5.5 10.6 L1 6.9 L6.8 6.6 Z",
  hexagon: "M4.5 2 L13.5 2 L17 9 L13.5 16 L4.5 16 L1 9 Z",
  diamond: "M9 1 L17 9 L9 17 L1 9 Z",
  "round-rectangle": "M4 2 H14 Q16 2 16 4 V14 Q16 16 14 16 H4 Q2 16 2 14 V4 Q2 2 4 2 Z",
  ellipse: "M1 9 A8 8 0 1 0 17 9 A8 8 0 1 0 1 9 Z",
  "round-triangle": "M9 2 L16.5 15.5 L1.5 15.5 Z",
  "round-octagon": "M6 1.5 H12 L16.5 6 V12 L12 16.5 H6 L1.5 12 V6 Z",
  "round-tag": "M2 3 H12 L16.5 9 L12 15 H2 Z",
};

const SVG = "http://www.w3.org/2000/svg";

function svgSwatch(build) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", "34");
  svg.setAttribute("height", "18");
  svg.setAttribute("viewBox", "0 0 34 18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  build(svg);
  return svg;
}

function svgChild(parent, name, attributes) {
  const child = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) child.setAttribute(key, String(value));
  parent.append(child);
  return child;
}

function shapeSwatch(shape, colour, extra = {}) {
  return svgSwatch((svg) => {
    svgChild(svg, "path", { d: SHAPES[shape] ?? SHAPES.ellipse, fill: colour, transform: "translate(8 0)", ...extra });
  });
}

const DASHES = { solid: "", dashed: "6 4", dotted: "1.5 3.5" };

function lineSwatch(colour, line, width = 3, arrow = true) {
  return svgSwatch((svg) => {
    svgChild(svg, "line", {
      x1: 2, y1: 9, x2: arrow ? 25 : 32, y2: 9, stroke: colour, "stroke-width": width,
      "stroke-dasharray": DASHES[line] ?? "", "stroke-linecap": line === "dotted" ? "round" : "butt",
    });
    if (arrow) svgChild(svg, "path", { d: "M24 3.5 L32 9 L24 14.5 Z", fill: colour });
  });
}

function glowSwatch(colour) {
  return svgSwatch((svg) => {
    svgChild(svg, "rect", { x: 2, y: 2, width: 30, height: 14, rx: 7, fill: colour, opacity: 0.75 });
    svgChild(svg, "line", { x1: 6, y1: 9, x2: 28, y2: 9, stroke: "#1b1f24", "stroke-width": 2 });
  });
}

function group(title, entries) {
  const section = document.createElement("div");
  section.className = "legend-group";
  const heading = document.createElement("h3");
  heading.textContent = title;
  const list = document.createElement("ul");
  for (const [swatch, text] of entries) {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = text;
    item.append(swatch, label);
    list.append(item);
  }
  section.append(heading, list);
  return section;
}

/** The network's legend; the time note is updated by setTimeNote. */
export function renderNetworkLegend(container) {
  const timeNote = document.createElement("p");
  timeNote.className = "time-note";
  timeNote.id = "legend-time";
  container.replaceChildren(
    group("Units", Object.values(ROLES).map((look) => [shapeSwatch(look.shape, look.colour), look.label])),
    group("Learning sources (rim)", Object.values(SOURCE_KINDS).map((look) => [shapeSwatch(look.shape, look.colour), look.label])),
    group("Flows (width = number of flows, ×n)", [
      ...Object.values(DIRECTIONS).map((look) => [lineSwatch(look.colour, look.line), look.label]),
      [lineSwatch("#a9aeb6", "solid", 1.5), "Learned from a source"],
      [lineSwatch("#c5cad3", "solid", 1.5, false), "Reports to (grouping)"],
    ]),
    group("Highlight", [
      [glowSwatch(HIGHLIGHT), "Path or circulation so far"],
      [glowSwatch(CURRENT), "Current hop or step"],
    ]),
    timeNote,
  );
  return timeNote;
}

/** The timeline's legend: steps by colour, tiers by fill and letter. */
export function renderTimelineLegend(container) {
  const tierSwatch = (high) =>
    svgSwatch((svg) => {
      svgChild(svg, "rect", { x: 3, y: 2, width: 28, height: 14, rx: 7, fill: high ? "#555" : "#fff", stroke: "#555", "stroke-width": 2.5 });
      const letter = svgChild(svg, "text", { x: 17, y: 13, "text-anchor": "middle", "font-size": 11, "font-weight": 700, fill: high ? "#fff" : "#555" });
      letter.textContent = high ? "H" : "L";
    });
  container.replaceChildren(
    group("Step (colour)", Object.values(STEPS).map((look) => [shapeSwatch("round-rectangle", look.colour), look.label])),
    group("Tier (fill and letter)", [
      [tierSwatch(true), "High: cross-functional"],
      [tierSwatch(false), "Low: one value-chain activity"],
    ]),
  );
}
