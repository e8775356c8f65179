// The explorer page: pick a firm, see its hub-and-spoke network, follow knowledge through it.
// Every piece of data comes from kflow's GraphQL API on the page's own origin.
import {
  readApiKey,
  storeApiKey,
  fetchCirculation,
  fetchCustomerManagement,
  fetchFirms,
  fetchHubMetrics,
  fetchIntegrationEvents,
  fetchNetwork,
  fetchOverview,
  fetchReleaseImpact,
  fetchReversePaths,
  fetchScorecard,
} from "./api.js";
import { describeRelease, renderScorecard } from "./analytics.js";
import { renderComparison } from "./compare.js";
import { element } from "./dom.js";
import { describeDate, describePeriod, isOpenRange } from "./dates.js";
import { renderNetworkLegend, renderTimelineLegend } from "./legend.js";
import { createNetworkView } from "./network.js";
import { DIRECTIONS, describeEnum, describeRole, STEPS, SOURCE_KINDS, sourceKindOf } from "./style.js";
import { describeEvent, describeRoles, renderTimeline, roleUnitIds } from "./timeline.js";

const HOP_DELAY_MS = 700;
// A firm with at most this many units is drawn whole, if the screen holds them.
const WHOLE_FIRM_UNITS = 60;
// The arc one unit's label needs on the outer ring, and the smallest zoom that keeps labels
// readable: together they say how many units a drawing of this size can show.
const LABEL_ARC_PX = 118;
const MIN_READABLE_ZOOM = 0.5;
const STEP_DELAY_MS = 1400;
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

const byId = (id) => document.getElementById(id);
const ui = {
  firmSelect: byId("firm-select"),
  since: byId("since"),
  until: byId("until"),
  clearPeriod: byId("clear-period"),
  includeUndated: byId("include-undated"),
  undatedCount: byId("undated-count"),
  status: byId("status"),
  firmTitle: byId("firm-title"),
  network: byId("network"),
  legend: byId("legend"),
  unitList: byId("unit-list"),
  details: byId("details-body"),
  knowledgeList: byId("knowledge-list"),
  circulation: byId("circulation"),
  circulationBody: byId("circulation-body"),
  timeline: byId("timeline"),
  customersPanel: byId("customers-panel"),
  customers: byId("customers"),
  timelineLegend: byId("timeline-legend"),
  compare: byId("compare"),
  compareLeft: byId("compare-left"),
  compareRight: byId("compare-right"),
  access: byId("access"),
  accessForm: byId("access-form"),
  apiKey: byId("api-key"),
  forgetKey: byId("forget-key"),
  asOf: byId("as-of"),
  asOfValue: byId("as-of-value"),
  asOfNote: byId("as-of-note"),
  scorecard: byId("scorecard"),
};

const state = {
  firms: [],
  firmId: null,
  network: null,
  events: [],
  eventCount: 0,
  mode: "whole",
  overview: null,
  expanded: [],
  range: { since: null, until: null, includeUndated: true },
  selectedUnit: null,
  paths: [],
  pathIndex: 0,
  circulation: null,
  circulationStep: 0,
  playing: false,
  keyboardUnit: -1,
  asOf: null,
};
// Every load or animation gets a ticket; an answer or timer holding an old ticket is dropped.
let ticket = 0;
let timer = null;


function setStatus(text) {
  ui.status.textContent = text;
}

function stopTimer() {
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

const network = createNetworkView(ui.network, {
  onSelectUnit: (id) => selectUnit(id),
  onSelectSource: (id) => showSource(id),
  onSelectLink: (data) => showLink(data),
  onClear: () => clearSelection(),
});
const timeNote = renderNetworkLegend(ui.legend);
renderTimelineLegend(ui.timelineLegend);

/** Reflect the page's state on the network element, where tests and tools can read it. */
function publishState(extra = {}) {
  const attributes = {
    "data-firm": state.firmId ?? "",
    "data-unit-count": state.network ? network.cy.nodes(".unit").not(".role-GROUP").length : 0,
    "data-mode": state.mode,
    "data-selected-unit": state.selectedUnit ?? "",
    ...extra,
  };
  for (const [key, value] of Object.entries(attributes)) ui.network.setAttribute(key, String(value));
}

// ---------------------------------------------------------------------------------------
// Firms
// ---------------------------------------------------------------------------------------

function firmFromHash() {
  return new URLSearchParams(window.location.hash.slice(1)).get("firm");
}

async function loadFirms() {
  try {
    state.firms = await fetchFirms();
  } catch (err) {
    ui.network.dataset.status = "error";
    if (err.code) {
      // The server wants a key (or a better one): open the key form rather than a dead end.
      ui.access.open = true;
      setStatus(`The server refused: ${err.message}. Enter a key under “API key”.`);
      ui.apiKey.focus();
    } else {
      setStatus(`Could not load the firms: ${err.message}`);
    }
    return;
  }
  const options = () => state.firms.map((firm) => element("option", { value: firm.id }, firm.name));
  ui.firmSelect.replaceChildren(...options());
  ui.compareLeft.replaceChildren(...options());
  ui.compareRight.replaceChildren(...options());
  ui.firmSelect.disabled = false;
  if (state.firms.length === 0) {
    ui.network.dataset.status = "ready";
    setStatus("The graph holds no firm yet: run `kflow seed` to load the case demos.");
    return;
  }
  const known = new Set(state.firms.map((firm) => firm.id));
  // Huawei is the papers' main case, so it is the natural first view.
  const first = [firmFromHash(), "huawei", state.firms[0].id].find((id) => id && known.has(id));
  ui.firmSelect.value = first;
  const pair = known.has("huawei") && known.has("zte") ? ["huawei", "zte"] : state.firms.slice(0, 2).map((f) => f.id);
  await Promise.all([loadFirm(first), compareFirms(pair[0], pair[1] ?? pair[0])]);
}

// The stages of Senn, Thoma & Yip's Figure 1, in its order.
const MANAGEMENT_STAGES = [
  ["valueFocus", "Value focus"],
  ["valueIdentification", "Value identification"],
  ["valueSpecification", "Value specification"],
  ["valueRealization", "Value realization"],
  ["riskFocus", "Risk focus"],
  ["riskAssessment", "Risk assessment"],
  ["riskReduction", "Risk reduction"],
];

function renderCustomers(customers) {
  ui.customersPanel.hidden = customers.length === 0;
  ui.customers.replaceChildren(
    ...customers.map((managed) => {
      const stages = MANAGEMENT_STAGES.filter(([field]) => managed[field]).map(([field, label]) =>
        element("li", {}, element("strong", {}, `${label}: `), managed[field]),
      );
      const advantages = managed.advantages.length ? managed.advantages.map((a) => a.toLowerCase()).join(", ") : "none named";
      return element(
        "li",
        { "data-customer-management": managed.id },
        element("p", { class: "selected-name" }, element("strong", {}, managed.manager ?? managed.unit.name), ` · ${describeEnum(managed.perspective)} perspective · ${managed.customer.name}`),
        managed.description ? element("p", {}, managed.description) : null,
        element("ul", {}, ...stages),
        element("p", {}, `Advantages: ${advantages}.`),
        element("p", { class: "hint" }, `Source: ${managed.citation ?? "not given"}.${managed.assumption ? ` Assumed: ${managed.assumption}` : ""}`),
      );
    }),
  );
}

/** How many units the drawing can show with readable labels, from its size on screen. */
function screenBudget() {
  const width = ui.network.clientWidth || 800;
  const height = ui.network.clientHeight || 600;
  // The outer ring is an ellipse filling most of the drawing.
  const ring = (Math.PI * (width + height)) / 2 * 0.8;
  return Math.max(12, Math.floor(ring / (LABEL_ARC_PX * MIN_READABLE_ZOOM)));
}

/**
 * The overview drawn as a network: the upper units whole, each hub labelled with the count of
 * subsidiaries reporting to it. An opened group adds its busiest members and one node counting
 * the rest; a group with no drawn hub is one counted node.
 */
function overviewAsNetwork(overview) {
  const count = (n) => n.toLocaleString("en");
  const upper = new Map(overview.upper.map((unit) => [unit.id, { ...unit }]));
  const units = [];
  for (const group of overview.groups) {
    const hub = group.hub ? upper.get(group.hub.id) : null;
    const flows = `${count(group.flowsUp)} flows up, ${count(group.flowsDown)} down`;
    if (hub) hub.name = `${hub.name}: ${count(group.units)} subsidiaries`;
    const hidden = group.units - group.members.length;
    units.push(...group.members);
    if (hub && (group.members.length === 0 || hidden === 0)) continue;
    const name = group.members.length ? `+${count(hidden)} more of ${count(group.units)}` : `${count(group.units)} subsidiaries, ${flows}`;
    units.push({ id: `group:${group.hub?.id ?? "none"}`, name, role: "GROUP", reportsTo: group.hub ? { id: group.hub.id } : null, country: null });
  }
  return { firm: overview.firm, units: [...upper.values(), ...units], links: [], sources: [] };
}

async function loadFirm(firmId) {
  const mine = ++ticket;
  state.firmId = firmId;
  state.expanded = [];
  state.asOf = null;
  beginView(`firm:${firmId}`);
  loadScorecard(firmId);
  ui.network.dataset.status = "loading";
  setStatus("Loading the network…");
  let networkAnswer;
  let overview = null;
  let events;
  let customers;
  const started = performance.now();
  try {
    const eventsLoaded = fetchIntegrationEvents(firmId);
    const customersLoaded = fetchCustomerManagement(firmId);
    overview = await fetchOverview(firmId, [], 1);
    if (overview.unitCount <= Math.max(WHOLE_FIRM_UNITS, screenBudget())) {
      overview = null;
      networkAnswer = await fetchNetwork(firmId);
    } else {
      networkAnswer = overviewAsNetwork(overview);
    }
    if (mine !== ticket) return;
    // Draw the network as soon as it is here; the timeline follows when its events are.
    state.mode = overview ? "aggregated" : "whole";
    state.overview = overview;
    state.events = [];
    state.eventCount = 0;
    ui.firmTitle.textContent = `: ${networkAnswer.firm.name}`;
    drawNetwork(networkAnswer);
    ui.network.dataset.networkMs = String(Math.round(performance.now() - started));
    events = await eventsLoaded;
    customers = await customersLoaded;
  } catch (err) {
    if (mine !== ticket) return;
    ui.network.dataset.status = "error";
    setStatus(`Could not load ${firmId}: ${err.message}`);
    return;
  }
  if (mine !== ticket) return;
  state.events = events.events;
  state.eventCount = events.totalCount;
  renderCustomers(customers);
  history.replaceState(null, "", `#firm=${encodeURIComponent(firmId)}`);
  applyRange();
  setAsOfBounds(networkAnswer);
  ui.network.dataset.status = "ready";
  ui.network.dataset.renderMs = String(Math.round(performance.now() - started));
  if (overview) {
    describeOverview();
    return;
  }
  publishState({ "data-hidden-units": 0, "data-drawn-nodes": network.cy.nodes().length, "data-budget": screenBudget() });
  const flows = networkAnswer.links.reduce((sum, link) => sum + link.volume, 0);
  setStatus(
    `${networkAnswer.firm.name}: ${networkAnswer.units.length} units, ${flows} flows, ` +
      `${new Set(networkAnswer.sources.map((s) => s.source.id)).size} learning sources, ${describeEventCount()}.`,
  );
}

function describeEventCount() {
  const shown = state.events.length < state.eventCount ? ` (the first ${state.events.length} on the timeline)` : "";
  return `${state.eventCount.toLocaleString("en")} integration events${shown}`;
}

function drawNetwork(networkAnswer) {
  state.network = networkAnswer;
  network.render(networkAnswer);
  state.keyboardUnit = -1;
  renderUnitList();
  renderKnowledgeList();
  publishState();
}

/** Say what the aggregated drawing shows and what it leaves out. */
function describeOverview() {
  const overview = state.overview;
  const drawnUnits = network.cy.nodes(".unit").not(".role-GROUP").length;
  const groups = overview.groups.length;
  const hidden = overview.unitCount - drawnUnits;
  publishState({
    "data-hidden-units": hidden,
    "data-drawn-nodes": network.cy.nodes().length,
    "data-budget": screenBudget(),
  });
  setStatus(
    `${overview.firm.name}: ${overview.unitCount.toLocaleString("en")} units, more than this drawing can show. ` +
      `Drawn: ${drawnUnits} units; ${hidden.toLocaleString("en")} subsidiaries are counted in ${groups} groups by the hub they report to, not drawn. ` +
      `Click a hub to open its busiest subsidiaries, and again to fold them. ${describeEventCount()}.`,
  );
}

/** Open a group of the aggregated drawing, or fold it again. */
async function toggleGroup(hubId) {
  const mine = ++ticket;
  const open = state.expanded.includes(hubId);
  state.expanded = open ? state.expanded.filter((id) => id !== hubId) : [...state.expanded, hubId].slice(-10);
  beginView(`firm:${state.firmId}`);
  const overview = state.overview;
  const room = screenBudget() - overview.upper.length - state.expanded.length;
  const perGroup = Math.max(1, Math.min(200, Math.floor(room / Math.max(1, state.expanded.length))));
  setStatus(open ? "Folding the group…" : "Opening the group…");
  let answer;
  try {
    answer = await fetchOverview(state.firmId, state.expanded, perGroup);
  } catch (err) {
    if (mine !== ticket) return;
    setStatus(`Could not open the group: ${err.message}`);
    return;
  }
  if (mine !== ticket) return;
  state.overview = answer;
  drawNetwork(overviewAsNetwork(answer));
  applyRange();
  ui.network.dataset.expanded = state.expanded.join(",");
  describeOverview();
  const group = answer.groups.find((candidate) => (candidate.hub?.id ?? "none") === hubId);
  if (group) {
    const count = (n) => n.toLocaleString("en");
    ui.details.replaceChildren(
      element("p", { class: "selected-name" }, element("strong", {}, group.hub?.name ?? "Subsidiaries with no hub"), ` · ${count(group.units)} subsidiaries (${count(group.core)} core)`),
      element("p", {}, `Its subsidiaries sent ${count(group.flowsUp)} flows up to hubs and HQ, received ${count(group.flowsDown)} from them and sent ${count(group.flowsAcross)} to peers.`),
      element("p", { class: "hint" }, open ? "Folded: click the hub to open it again." : `Drawn: the ${count(group.members.length)} busiest; the rest are counted.`),
    );
  }
}

// ---------------------------------------------------------------------------------------
// Lists beside the network
// ---------------------------------------------------------------------------------------

function renderUnitList() {
  const units = network.unitsInOrder();
  ui.unitList.replaceChildren(
    ...units.map((node) =>
      element(
        "li",
        {},
        element(
          "button",
          { type: "button", "data-unit-id": node.id(), "aria-pressed": "false" },
          element("span", { class: "pick-name" }, node.data("name")),
          element("span", { class: "pick-note" }, describeRole(node.data("role"))),
        ),
      ),
    ),
  );
}

function renderKnowledgeList() {
  if (state.mode === "aggregated") {
    ui.knowledgeList.replaceChildren(element("li", { class: "hint" }, "This firm is drawn in groups, so its flows are counted, not listed: select a unit to follow its paths."));
    return;
  }
  const items = new Map();
  for (const link of state.network.links) {
    for (const flow of link.flows) {
      if (!flow.knowledge) continue;
      const entry = items.get(flow.knowledge.id) ?? { knowledge: flow.knowledge, flows: 0 };
      entry.flows += 1;
      items.set(flow.knowledge.id, entry);
    }
  }
  const sorted = [...items.values()].sort((a, b) => a.knowledge.name.localeCompare(b.knowledge.name));
  if (sorted.length === 0) {
    ui.knowledgeList.replaceChildren(element("li", { class: "hint" }, "No flow of this firm names the knowledge it carried."));
    return;
  }
  ui.knowledgeList.replaceChildren(
    ...sorted.map(({ knowledge, flows }) =>
      element(
        "li",
        {},
        element(
          "button",
          { type: "button", "data-knowledge-id": knowledge.id, "aria-pressed": "false" },
          element("span", { class: "pick-name" }, knowledge.name),
          element("span", { class: "pick-note" }, `${describeEnum(knowledge.kind)}, on ${flows} flow${flows === 1 ? "" : "s"}`),
        ),
      ),
    ),
  );
}

function markPressed(list, attribute, id) {
  for (const button of list.querySelectorAll(`button[${attribute}]`)) {
    button.setAttribute("aria-pressed", String(button.getAttribute(attribute) === id));
  }
}

/** Arrow keys move between the buttons of a list; Home and End jump to its ends. */
function walkListWithArrows(list) {
  list.addEventListener("keydown", (event) => {
    const buttons = [...list.querySelectorAll("button")];
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, moves[event.key]))].focus();
  });
}

// ---------------------------------------------------------------------------------------
// Selection: units, their reverse transfer paths, sources and flow links
// ---------------------------------------------------------------------------------------

function unitName(id) {
  return state.network.units.find((unit) => unit.id === id)?.name ?? id;
}

function showNothingSelected() {
  ui.details.replaceChildren(element("p", { class: "hint" }, "Nothing selected. Click a unit, a flow or a source, or use the lists."));
}

/**
 * Start a new view: whatever the sidebar showed for the last one goes (details, circulation,
 * pressed buttons, highlights), so nothing stale stays beside the new view.
 */
function beginView(view) {
  stopTimer();
  state.selectedUnit = null;
  state.circulation = null;
  state.playing = false;
  state.paths = [];
  network.clearFocus();
  markPressed(ui.unitList, "data-unit-id", null);
  markPressed(ui.knowledgeList, "data-knowledge-id", null);
  ui.circulation.hidden = true;
  ui.circulationBody.replaceChildren();
  showNothingSelected();
  ui.network.dataset.view = view;
  delete ui.network.dataset.circulationStep;
  publishState({ "data-path-state": "idle", "data-path-units": "", "data-path-flows": "", "data-path-trail": "", "data-release-state": "idle", "data-release-unit": "", "data-cut-off": "" });
}

function clearSelection() {
  ticket += 1;
  beginView("nothing");
}

async function selectUnit(unitId) {
  // In the aggregated drawing a hub or a counted group opens (or folds) on click.
  const hub = unitId.startsWith("group:") ? unitId.slice("group:".length) : unitId;
  if (state.mode === "aggregated" && state.overview.groups.some((group) => (group.hub?.id ?? "none") === hub)) {
    await toggleGroup(hub);
    return;
  }
  const mine = ++ticket;
  beginView(`unit:${unitId}`);
  state.selectedUnit = unitId;
  markPressed(ui.unitList, "data-unit-id", unitId);
  network.markSelectedUnit(unitId);
  const unit = state.network.units.find((candidate) => candidate.id === unitId);
  publishState({ "data-path-state": "loading", "data-path-units": "" });
  const heading = element(
    "div",
    {},
    element("p", { class: "selected-name" }, element("strong", {}, unit.name), ` · ${describeRole(unit.role)}${unit.country ? ` · ${unit.country}` : ""}`),
    foldControl(unitId),
    releaseControl(unitId),
  );
  if (unitId === network.centreId()) {
    ui.details.replaceChildren(heading, element("p", {}, "This is the hub: reverse transfer paths lead here. Select a subsidiary to follow one."));
    publishState({ "data-path-state": "idle" });
    return;
  }
  ui.details.replaceChildren(heading, element("p", { class: "hint" }, "Looking up reverse transfer paths…"));
  let answer;
  try {
    answer = await fetchReversePaths(unitId);
  } catch (err) {
    if (mine !== ticket) return;
    ui.details.replaceChildren(heading, element("p", { class: "error" }, `Could not load the paths: ${err.message}`));
    publishState({ "data-path-state": "error" });
    return;
  }
  if (mine !== ticket) return;
  state.paths = answer.paths;
  state.pathIndex = 0;
  if (answer.paths.length === 0) {
    ui.details.replaceChildren(heading, element("p", {}, `No reverse transfer path from ${unit.name} to the hub is recorded.`));
    publishState({ "data-path-state": "none" });
    setStatus(`${unit.name}: no reverse transfer path recorded.`);
    return;
  }
  const chooser = element("select", { id: "path-select", "aria-label": "Which path" });
  const trailNote = { "one-item": "one item", changes: "changes item", unknown: "items not all named" };
  answer.paths.forEach((path, i) => {
    const via = path.hops.slice(1, -1).map((hop) => hop.unit.name).join(", ") || "direct";
    const trail = trailNote[describeTrail(path).kind];
    chooser.append(element("option", { value: i }, `Path ${i + 1} of ${answer.paths.length}: ${path.length} hop${path.length === 1 ? "" : "s"}, via ${via} (${trail})`));
  });
  chooser.addEventListener("change", () => playPath(Number(chooser.value)));
  const replay = element("button", { type: "button" }, "Replay");
  replay.addEventListener("click", () => playPath(state.pathIndex));
  const shown = answer.totalCount > answer.paths.length ? ` (the first ${answer.paths.length} shown)` : "";
  ui.details.replaceChildren(
    heading,
    element("p", {}, `${answer.totalCount} reverse transfer path${answer.totalCount === 1 ? "" : "s"} to the hub, shortest first${shown}.`),
    element("div", { class: "row" }, chooser, replay),
    element("p", { id: "path-trail", class: "path-trail" }),
    element("ol", { id: "hop-list", class: "hops", "aria-label": "Hops of the path" }),
  );
  setStatus(`${unit.name}: ${answer.totalCount} reverse transfer paths; showing the shortest, hop by hop.`);
  playPath(0);
}

/**
 * A button that folds the units reporting to a unit, or expands them again; in the aggregated
 * drawing, a hub opens or folds its group. Null when nothing reports to the unit.
 */
function foldControl(unitId) {
  if (state.mode === "aggregated") {
    const group = state.overview.groups.find((candidate) => candidate.hub?.id === unitId);
    if (!group) return null;
    const open = state.expanded.includes(unitId);
    const button = element("button", { type: "button", id: "fold-toggle", "data-folded": String(!open) }, open ? "Fold its group" : `Show its busiest subsidiaries (of ${group.units})`);
    button.addEventListener("click", () => toggleGroup(unitId));
    return element("p", {}, button);
  }
  const reports = network.cy.edges(".hierarchy").filter((edge) => edge.target().id() === unitId).length;
  if (reports === 0) return null;
  const folded = Boolean(network.cy.getElementById(unitId).data("folded"));
  const button = element("button", { type: "button", id: "fold-toggle", "data-folded": String(folded) }, folded ? "Expand the units below it" : "Fold the units below it");
  button.addEventListener("click", () => {
    const nowFolded = !network.cy.getElementById(unitId).data("folded");
    const count = nowFolded ? network.fold(unitId) : (network.unfold(unitId), 0);
    button.textContent = nowFolded ? "Expand the units below it" : "Fold the units below it";
    button.dataset.folded = String(nowFolded);
    ui.network.dataset.folded = nowFolded ? `${unitId}:${count}` : "";
    renderUnitList();
    setStatus(nowFolded ? `${count} units below ${unitName(unitId)} are folded into it.` : `The units below ${unitName(unitId)} are shown again.`);
  });
  return element("p", {}, button);
}

// ---------------------------------------------------------------------------------------
// What if a unit were released: the units it would cut off from the centre, greyed
// ---------------------------------------------------------------------------------------

/** A button asking what the unit's release would cut off; none for the centre itself. */
function releaseControl(unitId) {
  if (unitId === network.centreId()) return null;
  const button = element("button", { type: "button", id: "release-toggle" }, "What if released?");
  button.addEventListener("click", () => showRelease(unitId));
  return element("p", {}, button);
}

async function showRelease(unitId) {
  const mine = ++ticket;
  const name = unitName(unitId);
  beginView(`release:${unitId}`);
  state.selectedUnit = unitId;
  markPressed(ui.unitList, "data-unit-id", unitId);
  const heading = element("p", { class: "selected-name" }, element("strong", {}, name), " · if it were released");
  ui.details.replaceChildren(heading, element("p", { class: "hint" }, "Working out what would be cut off…"));
  publishState({ "data-release-state": "loading", "data-release-unit": unitId });
  let impact;
  try {
    impact = await fetchReleaseImpact(unitId);
  } catch (err) {
    if (mine !== ticket) return;
    ui.details.replaceChildren(heading, element("p", { class: "error" }, `Could not work out the release: ${err.message}`));
    publishState({ "data-release-state": "error" });
    return;
  }
  if (mine !== ticket) return;
  const drawn = network.showRelease(unitId, impact.cutOffIds);
  const notes = [];
  if (drawn < impact.cutOffIds.length) notes.push(element("p", { class: "hint" }, `${drawn} of the ${impact.cutOffIds.length} units cut off are drawn; the rest are counted in their groups.`));
  if (state.asOf) notes.push(element("p", { class: "hint" }, `The release is worked out on the firm as it is now, not as of ${state.asOf}.`));
  ui.details.replaceChildren(heading, ...describeRelease(name, impact, unitName), ...notes);
  publishState({ "data-release-state": "done", "data-cut-off": impact.cutOffIds.join(","), "data-cut-off-drawn": drawn });
  setStatus(`If ${name} were released, ${impact.cutOffIds.length} unit${impact.cutOffIds.length === 1 ? "" : "s"} would lose every upward route to the centre.`);
}

/**
 * Whether a path is one item's trail: {kind: "one-item" | "changes" | "unknown", text}.
 * A path joins flows hop by hop, and each flow may carry a different knowledge item.
 */
function describeTrail(path) {
  const carried = path.hops.slice(1).map((hop) => hop.flow.knowledge);
  if (carried.some((item) => !item)) {
    const unnamed = carried.filter((item) => !item).length;
    return {
      kind: "unknown",
      text: `${unnamed} of ${carried.length} hops do not name the knowledge they carried, so this may not be one item's trail.`,
    };
  }
  const changes = [];
  carried.forEach((item, i) => {
    if (i > 0 && item.id !== carried[i - 1].id) changes.push(`“${carried[i - 1].name}” becomes “${item.name}” at ${path.hops[i].unit.name}`);
  });
  if (changes.length === 0) return { kind: "one-item", text: `One knowledge item all the way: “${carried[0].name}”.` };
  return { kind: "changes", text: `Not one item's trail: the knowledge changes on the way (${changes.join("; ")}).` };
}

function describeHop(hop, i) {
  if (i === 0) return [element("strong", {}, hop.unit.name), ` (${describeEnum(hop.role)}): the knowledge starts here`];
  const flow = hop.flow;
  const look = DIRECTIONS[flow.direction];
  return [
    "→ ",
    element("strong", {}, hop.unit.name),
    ` (${describeEnum(hop.role)})`,
    element(
      "span",
      { class: "hop-flow" },
      element("span", { class: `dir-chip dir-${flow.direction}` }, look ? describeEnum(flow.direction) : flow.direction),
      ` ${describeEnum(flow.mode)} flow, `,
      element("span", { class: flow.date ? "date" : "date undated" }, describeDate(flow.date)),
      flow.knowledge ? `, carrying “${flow.knowledge.name}”` : "",
    ),
  ];
}

/** Reveal one path hop by hop; with reduced motion, all at once. */
function playPath(index) {
  const mine = ++ticket;
  stopTimer();
  state.pathIndex = index;
  const path = state.paths[index];
  const list = byId("hop-list");
  const chooser = byId("path-select");
  if (chooser) chooser.value = String(index);
  const trail = describeTrail(path);
  byId("path-trail").textContent = trail.text;
  byId("path-trail").dataset.trail = trail.kind;
  list.replaceChildren(...path.hops.map((hop, i) => element("li", { "data-hop-unit": hop.unit.id, hidden: "" }, ...describeHop(hop, i))));
  const items = [...list.children];
  const reveal = (upTo) => {
    if (mine !== ticket) return;
    network.showPath(path, upTo);
    network.markSelectedUnit(state.selectedUnit);
    items.forEach((item, i) => {
      item.hidden = i > upTo;
      if (i === upTo) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
    const done = upTo === path.hops.length - 1;
    publishState({
      "data-path-state": done ? "done" : "playing",
      "data-path-units": path.hops.slice(0, upTo + 1).map((hop) => hop.unit.id).join(","),
      "data-path-flows": path.hops.slice(1, upTo + 1).map((hop) => hop.flow.id).join(","),
      "data-path-trail": trail.kind,
    });
    if (!done) timer = setTimeout(() => reveal(upTo + 1), HOP_DELAY_MS);
  };
  reveal(reducedMotion ? path.hops.length - 1 : 0);
}

function showSource(actorId) {
  ticket += 1;
  const links = state.network.sources.filter((link) => link.source.id === actorId);
  if (links.length === 0) return;
  beginView(`source:${actorId}`);
  const actor = links[0].source;
  network.cy.elements().addClass("faded");
  const touched = network.cy.getElementById(actorId);
  for (const link of links) {
    touched.merge(network.cy.getElementById(link.unit.id)).merge(network.cy.getElementById(`learned:${actorId}>${link.unit.id}`));
  }
  touched.removeClass("faded").addClass("on-path");
  ui.details.replaceChildren(
    element("p", { class: "selected-name" }, element("strong", {}, actor.name), ` · ${SOURCE_KINDS[sourceKindOf(actor.kind)].label}${actor.country ? ` · ${actor.country}` : ""}`),
    element(
      "ul",
      {},
      ...links.map((link) =>
        element("li", {}, `${unitName(link.unit.id)} learned from it through the ${describeEnum(link.channel)} channel (${link.events} event${link.events === 1 ? "" : "s"})`),
      ),
    ),
  );
}

function showLink(data) {
  ticket += 1;
  beginView(`link:${data.id}`);
  network.cy.elements().addClass("faded");
  const edge = network.cy.getElementById(data.id);
  edge.union(edge.connectedNodes()).removeClass("faded").addClass("on-path");
  ui.details.replaceChildren(
    element(
      "p",
      { class: "selected-name" },
      element("strong", {}, `${unitName(data.source)} → ${unitName(data.target)}`),
      ` · ${DIRECTIONS[data.direction].label} · ${data.volume} flow${data.volume === 1 ? "" : "s"}`,
    ),
    element(
      "ul",
      { class: "flow-list" },
      ...(data.flows.length ? [] : [element("li", { class: "hint" }, "Counted from the group's members (flows to any hub or the HQ); open the group to see its members.")]),
      ...data.flows.map((flow) => {
        const item = element("li", {}, element("span", { class: flow.date ? "date" : "date undated" }, describeDate(flow.date)), ` · ${describeEnum(flow.mode)} · `);
        if (flow.knowledge) {
          const play = element("button", { type: "button", class: "link-button", "data-knowledge-id": flow.knowledge.id }, flow.knowledge.name);
          play.addEventListener("click", () => selectKnowledge(flow.knowledge.id));
          item.append(play);
        } else {
          item.append("knowledge not named by the source");
        }
        return item;
      }),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Circulation of one knowledge item
// ---------------------------------------------------------------------------------------

function describeStep(step) {
  if (step.learning) {
    return `${step.learning.unit.name} learned it from ${step.learning.source.name} (${describeEnum(step.learning.channel)})`;
  }
  if (step.flow) return `${step.flow.from?.name ?? "?"} → ${step.flow.to?.name ?? "?"} (${describeEnum(step.flow.direction)})`;
  if (step.integration) {
    const look = STEPS[step.integration.step];
    return `${look.label}, ${step.integration.tier.toLowerCase()} tier (${describeRoles(step.integration)}): ${step.integration.description}`;
  }
  return "";
}

async function selectKnowledge(knowledgeId) {
  const mine = ++ticket;
  beginView(`knowledge:${knowledgeId}`);
  markPressed(ui.knowledgeList, "data-knowledge-id", knowledgeId);
  ui.details.replaceChildren(element("p", { class: "hint" }, "A knowledge item is selected: its circulation is below."));
  ui.circulation.hidden = false;
  ui.circulationBody.replaceChildren(element("p", { class: "hint" }, "Loading the circulation…"));
  let circulation;
  try {
    circulation = await fetchCirculation(knowledgeId);
  } catch (err) {
    if (mine !== ticket) return;
    ui.circulationBody.replaceChildren(element("p", { class: "error" }, `Could not load the circulation: ${err.message}`));
    return;
  }
  if (mine !== ticket) return;
  state.circulation = circulation;
  state.circulationStep = 0;
  const steps = circulation.timeline;
  const previous = element("button", { type: "button", "data-action": "previous" }, "◀ Previous");
  const play = element("button", { type: "button", "data-action": "play", "aria-pressed": "false" }, "Play");
  const next = element("button", { type: "button", "data-action": "next" }, "Next ▶");
  previous.addEventListener("click", () => showStep(state.circulationStep - 1, false));
  next.addEventListener("click", () => showStep(state.circulationStep + 1, false));
  play.addEventListener("click", () => {
    if (state.playing) return showStep(state.circulationStep, false);
    // Playing again from the last step starts over.
    showStep(state.circulationStep >= steps.length - 1 ? 0 : state.circulationStep, true);
  });
  const list = element(
    "ol",
    { id: "step-list", class: "steps" },
    ...steps.map((step, i) =>
      element(
        "li",
        { "data-step": i },
        element("span", { class: `stage stage-${step.stage}` }, describeEnum(step.stage)),
        " ",
        element("span", { class: step.date ? "date" : "date undated" }, describeDate(step.date)),
        element("br"),
        describeStep(step),
      ),
    ),
  );
  ui.circulationBody.replaceChildren(
    element("p", { class: "selected-name" }, element("strong", {}, circulation.knowledge.name), ` · ${describeEnum(circulation.knowledge.kind)}, ${circulation.knowledge.domain}`),
    steps.length
      ? element("div", { class: "row", role: "group", "aria-label": "Step through the circulation" }, previous, play, next, element("span", { id: "step-counter", class: "counter", "aria-live": "polite" }))
      : element("p", {}, "No step of its circulation is recorded."),
    list,
  );
  setStatus(`Circulation of “${circulation.knowledge.name}”: ${steps.length} steps in time order.`);
  ui.circulation.scrollIntoView({ block: "nearest" });
  // It waits for the reader: Play walks on by itself, Next and Previous step by hand.
  if (steps.length) showStep(0, false);
}

/** Show circulation step `index`; when playing, go on to the next one after a pause. */
function showStep(index, playing) {
  const mine = ++ticket;
  stopTimer();
  const steps = state.circulation.timeline;
  const at = Math.max(0, Math.min(steps.length - 1, index));
  state.circulationStep = at;
  state.playing = playing && at < steps.length - 1;
  network.showCirculation(steps, at);
  for (const item of byId("step-list").children) {
    const i = Number(item.dataset.step);
    item.classList.toggle("seen", i < at);
    if (i === at) item.setAttribute("aria-current", "step");
    else item.removeAttribute("aria-current");
  }
  byId("step-counter").textContent = `Step ${at + 1} of ${steps.length}`;
  const play = ui.circulationBody.querySelector("[data-action=play]");
  play.textContent = state.playing ? "Pause" : "Play";
  play.setAttribute("aria-pressed", String(state.playing));
  ui.network.dataset.circulationStep = String(at);
  ui.network.dataset.circulationPlaying = String(state.playing);
  if (state.playing) {
    timer = setTimeout(() => {
      if (mine === ticket) showStep(at + 1, true);
    }, STEP_DELAY_MS);
  }
}

// ---------------------------------------------------------------------------------------
// The time filter and the integration timeline
// ---------------------------------------------------------------------------------------

function readYear(input) {
  const value = input.value.trim();
  if (value === "") return null;
  const year = Number(value);
  return Number.isInteger(year) ? year : null;
}

function applyRange() {
  let since = readYear(ui.since);
  let until = readYear(ui.until);
  // A reversed range is read as the same years the other way round.
  if (since !== null && until !== null && since > until) [since, until] = [until, since];
  const includeUndated = ui.includeUndated.checked;
  state.range = { since, until, includeUndated };
  if (!state.network) return;
  const counts = network.applyRange(state.range);
  const total = counts.dated + counts.undated;
  const undatedEvents = state.events.filter((event) => !event.date).length;
  const period = isOpenRange(state.range) ? "all years" : `${since ?? "…"}–${until ?? "…"}`;
  const fate = includeUndated ? "shown whatever the period" : "hidden (tick “undated” to show them)";
  let note;
  if (state.mode === "aggregated") note = "This firm is drawn in groups: its flows are counted, not drawn, so the period filters the timeline only.";
  else if (total === 0) note = "This firm has no recorded flow between its units.";
  else if (counts.undated === total) {
    note = `All ${total} flows are undated: the period cannot filter them; they are ${fate}.`;
  } else {
    const outside = counts.outside === 1 ? "1 dated flow is" : `${counts.outside} dated flows are`;
    note = `${counts.undated} of ${total} flows are undated and ${fate}; ${outside} outside the period and dimmed.`;
  }
  const events = `${undatedEvents} of ${state.events.length} integration events are undated.`;
  timeNote.textContent = `Period: ${period}. ${note} ${events}`;
  ui.undatedCount.textContent = `(${counts.undated} flow${counts.undated === 1 ? "" : "s"}, ${undatedEvents} event${undatedEvents === 1 ? "" : "s"})`;
  ui.network.dataset.undatedFlows = String(counts.undated);
  const inside = renderTimeline(ui.timeline, state.events, state.range, showEvent);
  ui.timeline.dataset.inside = String(inside);
  ui.network.dataset.range = period;
}

// ---------------------------------------------------------------------------------------
// The network as of a date: the slider reloads it with only the facts dated by then
// ---------------------------------------------------------------------------------------

/** Fit the slider to the years of the firm's dated flows and events; its top end is "now". */
function setAsOfBounds(networkAnswer) {
  const years = [
    ...networkAnswer.links.flatMap((link) => link.flows.map((flow) => flow.date)),
    ...state.events.flatMap((event) => [event.date, event.until]),
  ]
    .filter(Boolean)
    .map((date) => Number(String(date).slice(0, 4)));
  const usable = years.length > 0 && state.mode === "whole";
  ui.asOf.disabled = !usable;
  ui.asOf.min = usable ? String(Math.min(...years)) : "0";
  ui.asOf.max = usable ? String(Math.max(...years) + 1) : "1";
  ui.asOf.value = ui.asOf.max;
  describeAsOf(null);
  if (!usable) {
    ui.asOfNote.textContent = state.mode === "whole" ? "No dated flow or event: nothing to go back to." : "This firm is drawn in groups: the date applies to firms drawn whole.";
  }
}

/** The slider's value as an asOf year, or null at its top end ("now"). */
function readAsOf() {
  return Number(ui.asOf.value) >= Number(ui.asOf.max) ? null : ui.asOf.value;
}

function describeAsOf(answer) {
  ui.asOfValue.textContent = state.asOf ?? "now";
  ui.network.dataset.asOf = state.asOf ?? "";
  ui.network.dataset.undatedExcluded = String(answer?.undatedExcluded ?? 0);
  if (!answer || state.asOf === null) {
    ui.asOfNote.textContent = "Now: every recorded fact, dated or not.";
    return;
  }
  const flows = answer.links.reduce((sum, link) => sum + link.volume, 0);
  ui.asOfNote.textContent = `As of ${state.asOf}: ${flows} flows dated by then are drawn; ${answer.undatedExcluded} undated flows and learning events are left out.`;
}

async function loadAsOf() {
  const asOf = readAsOf();
  if (asOf === state.asOf || !state.firmId) return;
  const mine = ++ticket;
  state.asOf = asOf;
  beginView(`firm:${state.firmId}`);
  ui.network.dataset.status = "loading";
  setStatus(asOf ? `Loading the network as of ${asOf}…` : "Loading the network…");
  let answer;
  try {
    answer = await fetchNetwork(state.firmId, asOf);
  } catch (err) {
    if (mine !== ticket) return;
    ui.network.dataset.status = "error";
    setStatus(`Could not load the network as of ${asOf}: ${err.message}`);
    return;
  }
  if (mine !== ticket) return;
  drawNetwork(answer);
  applyRange();
  describeAsOf(answer);
  ui.network.dataset.status = "ready";
  setStatus(ui.asOfNote.textContent);
}

// ---------------------------------------------------------------------------------------
// The robustness scorecard of the firm shown
// ---------------------------------------------------------------------------------------

async function loadScorecard(firmId) {
  ui.scorecard.dataset.status = "loading";
  try {
    const card = await fetchScorecard(firmId);
    if (state.firmId !== firmId) return;
    renderScorecard(ui.scorecard, card);
    ui.scorecard.dataset.firm = firmId;
    ui.scorecard.dataset.status = "ready";
  } catch (err) {
    if (state.firmId !== firmId) return;
    ui.scorecard.replaceChildren(element("p", { class: "error" }, `Could not load the scorecard: ${err.message}`));
    ui.scorecard.dataset.status = "error";
  }
}

function showEvent(event) {
  ticket += 1;
  beginView(`event:${event.id}`);
  network.cy.elements().addClass("faded");
  for (const unitId of roleUnitIds(event)) network.cy.getElementById(unitId).removeClass("faded").addClass("on-path");
  const knowledge = event.knowledge.length
    ? element(
        "ul",
        {},
        ...event.knowledge.map((item) => {
          const play = element("button", { type: "button", class: "link-button", "data-knowledge-id": item.id }, item.name);
          play.addEventListener("click", () => selectKnowledge(item.id));
          return element("li", {}, "Used: ", play);
        }),
      )
    : element("p", { class: "hint" }, "The source names no knowledge item behind this event.");
  ui.details.replaceChildren(
    element("p", { class: "selected-name" }, element("strong", {}, `${STEPS[event.step].label}, ${event.tier.toLowerCase()} tier`), ` · ${describePeriod(event.date, event.until)}`),
    element("p", {}, `Roles: ${describeRoles(event)}.`),
    element("p", {}, event.description),
    element("p", { class: "hint" }, `Source: ${event.citation ?? "not given"}.${event.assumption ? ` Assumed: ${event.assumption}` : ""}`),
    knowledge,
  );
  setStatus(describeEvent(event));
  ui.details.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------------------------------
// Two firms side by side
// ---------------------------------------------------------------------------------------

async function compareFirms(left, right) {
  ui.compareLeft.value = left;
  ui.compareRight.value = right;
  for (const button of document.querySelectorAll("[data-pair]")) {
    button.setAttribute("aria-pressed", String(button.dataset.pair === `${left},${right}`));
  }
  ui.compare.dataset.status = "loading";
  try {
    const answers = await Promise.all([fetchHubMetrics(left), fetchHubMetrics(right)]);
    if (ui.compareLeft.value !== left || ui.compareRight.value !== right) return;
    renderComparison(ui.compare, answers);
    ui.compare.dataset.status = "ready";
  } catch (err) {
    ui.compare.replaceChildren(element("p", { class: "error" }, `Could not compare: ${err.message}`));
    ui.compare.dataset.status = "error";
  }
}

// ---------------------------------------------------------------------------------------
// Keyboard on the drawing itself: arrows walk the units, Enter selects, Escape clears.
// ---------------------------------------------------------------------------------------

ui.network.addEventListener("keydown", (event) => {
  const units = network.unitsInOrder();
  if (units.length === 0) return;
  const moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
  if (event.key in moves) {
    event.preventDefault();
    state.keyboardUnit = (state.keyboardUnit + moves[event.key] + units.length) % units.length;
    network.cy.nodes().removeClass("keyboard-focus");
    const node = units[state.keyboardUnit];
    node.addClass("keyboard-focus");
    setStatus(`${node.data("name")} (${describeRole(node.data("role"))}): Enter selects it.`);
  } else if ((event.key === "Enter" || event.key === " ") && state.keyboardUnit >= 0) {
    event.preventDefault();
    selectUnit(units[state.keyboardUnit].id());
  } else if (event.key === "Escape") {
    clearSelection();
  }
});
ui.network.addEventListener("blur", () => network.cy.nodes().removeClass("keyboard-focus"));

ui.firmSelect.addEventListener("change", () => loadFirm(ui.firmSelect.value));
ui.since.addEventListener("input", applyRange);
ui.until.addEventListener("input", applyRange);
ui.includeUndated.addEventListener("change", applyRange);
ui.asOf.addEventListener("input", () => {
  ui.asOfValue.textContent = readAsOf() ?? "now";
});
ui.asOf.addEventListener("change", loadAsOf);
ui.clearPeriod.addEventListener("click", () => {
  ui.since.value = "";
  ui.until.value = "";
  applyRange();
});
byId("controls").addEventListener("submit", (event) => event.preventDefault());
ui.apiKey.value = readApiKey();
ui.accessForm.addEventListener("submit", (event) => {
  event.preventDefault();
  storeApiKey(ui.apiKey.value.trim());
  ui.access.open = false;
  loadFirms();
});
ui.forgetKey.addEventListener("click", () => {
  ui.apiKey.value = "";
  storeApiKey("");
});
ui.unitList.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-unit-id]");
  if (button) selectUnit(button.dataset.unitId);
});
ui.knowledgeList.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-knowledge-id]");
  if (button) selectKnowledge(button.dataset.knowledgeId);
});
walkListWithArrows(ui.unitList);
walkListWithArrows(ui.knowledgeList);
for (const button of document.querySelectorAll("[data-pair]")) {
  button.addEventListener("click", () => {
    const [left, right] = button.dataset.pair.split(",");
    compareFirms(left, right);
  });
}
ui.compareLeft.addEventListener("change", () => compareFirms(ui.compareLeft.value, ui.compareRight.value));
ui.compareRight.addEventListener("change", () => compareFirms(ui.compareLeft.value, ui.compareRight.value));
// The timeline is drawn to the width it has; its height follows, so only width counts.
let timelineWidth = ui.timeline.clientWidth;
new ResizeObserver(() => {
  if (!state.network || ui.timeline.clientWidth === timelineWidth) return;
  timelineWidth = ui.timeline.clientWidth;
  renderTimeline(ui.timeline, state.events, state.range, showEvent);
}).observe(ui.timeline);

// For tests and the browser console: the page's state and its main actions.
window.kflowExplorer = {
  get cy() {
    return network.cy;
  },
  state,
  loadFirm,
  selectUnit,
  selectKnowledge,
  compareFirms,
  showRelease,
};

loadFirms();
