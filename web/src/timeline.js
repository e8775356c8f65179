// The firm's integration events on a year axis: colour = step, filled/hollow + H/L = tier.
// Undated events get their own column on the right, so they stay in view under any filter.
import { describePeriod, isOpenRange, overlapsRange, yearOf } from "./dates.js";
import { STEPS } from "./style.js";

const SVG = "http://www.w3.org/2000/svg";
const ROW = 30;
const TOP = 34;
const LABEL_WIDTH = 330;
const UNDATED_WIDTH = 90;

function svgElement(name, attributes = {}, text = null) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

/** A step of years that gives at most about ten ticks. */
function tickStep(span) {
  return [1, 2, 5, 10, 20, 50].find((step) => span / step <= 10) ?? 100;
}

function truncate(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/** The ids of the units in an event's roles (Fu et al., Table 5): sponsors, beneficiaries, coordinator. */
export function roleUnitIds(event) {
  return [...(event.sponsors ?? []), ...(event.beneficiaries ?? []), ...(event.coordinator ? [event.coordinator] : [])].map((unit) => unit.id);
}

/** The event's roles in words; the source may name none. */
export function describeRoles(event) {
  const names = (units) => units.map((unit) => unit.name).join(", ");
  const parts = [];
  if (event.sponsors?.length) parts.push(`sponsored by ${names(event.sponsors)}`);
  if (event.beneficiaries?.length) parts.push(`benefiting ${names(event.beneficiaries)}`);
  if (event.coordinator) parts.push(`coordinated by ${event.coordinator.name}`);
  return parts.length ? parts.join("; ") : "no unit named by the source";
}

/** One sentence describing an event, for screen readers and tooltips. */
export function describeEvent(event) {
  const period = describePeriod(event.date, event.until);
  return `${STEPS[event.step].label}, ${event.tier.toLowerCase()} tier, ${period}, ${describeRoles(event)}: ${event.description}`;
}

/**
 * Draw the events into the container. onSelect(event) fires on click or Enter/Space.
 * Returns how many events are inside the range (undated ones count as inside).
 */
export function renderTimeline(container, events, range, onSelect) {
  container.replaceChildren();
  if (events.length === 0) {
    const empty = document.createElement("p");
    empty.className = "hint";
    empty.textContent = "No integration events recorded for this firm.";
    container.append(empty);
    return 0;
  }
  const width = Math.max(container.clientWidth, 720);
  const height = TOP + events.length * ROW + 12;
  const years = events.flatMap((event) => [yearOf(event.date), yearOf(event.until)]).filter((y) => y !== null);
  if (range.since !== null) years.push(range.since);
  if (range.until !== null) years.push(range.until);
  const first = years.length ? Math.min(...years) - 1 : 2000;
  const last = years.length ? Math.max(...years) + 1 : 2020;
  const chartLeft = LABEL_WIDTH + 10;
  const chartRight = width - UNDATED_WIDTH - 16;
  const x = (year) => chartLeft + ((year - first) / Math.max(1, last - first)) * (chartRight - chartLeft);
  const undatedX = chartRight + 16 + UNDATED_WIDTH / 2;

  const svg = svgElement("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "list",
    "aria-label": "Integration events in time order",
  });

  // The chosen period, shaded behind the events.
  if (!isOpenRange(range)) {
    const from = x(range.since ?? first);
    const to = x((range.until ?? last) + 1);
    svg.append(
      svgElement("rect", { x: from, y: TOP - 8, width: Math.max(2, Math.min(to, chartRight) - from), height: height - TOP, class: "period-shade" }),
    );
  }
  const step = tickStep(last - first);
  for (let year = Math.ceil(first / step) * step; year <= last; year += step) {
    svg.append(svgElement("line", { x1: x(year), x2: x(year), y1: TOP - 10, y2: height - 6, class: "tick" }));
    svg.append(svgElement("text", { x: x(year), y: TOP - 16, class: "tick-label", "text-anchor": "middle" }, String(year)));
  }
  svg.append(svgElement("line", { x1: chartRight + 8, x2: chartRight + 8, y1: TOP - 10, y2: height - 6, class: "tick undated-rule" }));
  svg.append(svgElement("text", { x: undatedX, y: TOP - 16, class: "tick-label", "text-anchor": "middle" }, "undated"));

  let inside = 0;
  events.forEach((event, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const look = STEPS[event.step];
    const high = event.tier === "HIGH";
    const dated = overlapsRange(event.date, event.until, range);
    const inRange = dated === null && range.includeUndated === false ? false : dated;
    if (inRange !== false) inside += 1;
    const row = svgElement("g", {
      class: `event step-${event.step} tier-${event.tier}${inRange === false ? " out-of-range" : ""}`,
      role: "listitem",
      tabindex: 0,
      "data-event-id": event.id,
      "aria-label": `${describeEvent(event)}${inRange === false ? " (outside the chosen period)" : ""}`,
    });
    row.append(svgElement("title", {}, describeEvent(event)));
    row.append(svgElement("rect", { x: 0, y: y - ROW / 2 + 1, width, height: ROW - 2, class: "row-hit" }));
    row.append(
      svgElement("text", { x: 8, y: y + 4, class: "event-label" }, truncate(`${look.label} · ${event.description}`, 46)),
    );
    const fill = high ? look.colour : "#ffffff";
    const start = yearOf(event.date);
    let markX;
    if (start === null) {
      markX = undatedX;
      row.append(svgElement("circle", { cx: markX, cy: y, r: 10, fill, stroke: look.colour, "stroke-width": 3 }));
    } else {
      const end = yearOf(event.until) ?? start;
      const left = x(start);
      const right = Math.max(x(end + 1) - 2, left + 20);
      markX = (left + right) / 2;
      row.append(svgElement("rect", { x: left, y: y - 10, width: right - left, height: 20, rx: 10, fill, stroke: look.colour, "stroke-width": 3 }));
      row.append(
        svgElement("text", { x: right + 6, y: y + 4, class: "event-date" }, describePeriod(event.date, event.until)),
      );
    }
    row.append(
      svgElement("text", { x: markX, y: y + 4, "text-anchor": "middle", class: high ? "tier-mark on-fill" : "tier-mark", fill: high ? "#ffffff" : look.colour }, high ? "H" : "L"),
    );
    const choose = () => onSelect(event);
    row.addEventListener("click", choose);
    row.addEventListener("keydown", (key) => {
      if (key.key === "Enter" || key.key === " ") {
        key.preventDefault();
        choose();
      }
    });
    svg.append(row);
  });
  container.append(svg);
  return inside;
}
