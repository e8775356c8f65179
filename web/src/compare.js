// Two firms side by side: each unit's knowledge inflow and outflow, brokerage and role.
import { element } from "./dom.js";
import { describeEnum, describeRole, ROLES } from "./style.js";

const ROLE_ORDER = ["CAPABILITY_CENTRE", "HQ", "REGIONAL_HQ", "CORE_SUBSIDIARY", "SUBSIDIARY"];


/** "hq / hub / peer" counts with a bar for the total, scaled to the largest total shown. */
function flowCell(counts, largest) {
  const bar = element("span", { class: "bar", "aria-hidden": "true" });
  bar.style.width = `${largest ? (counts.total / largest) * 100 : 0}%`;
  return element(
    "td",
    { class: "num", "aria-label": `${counts.total}: ${counts.hq} with HQ, ${counts.hub} with a regional hub, ${counts.peer} with subsidiaries` },
    element("span", { class: "bar-track" }, bar),
    `${counts.total} `,
    element("span", { class: "split" }, `(${counts.hq}/${counts.hub}/${counts.peer})`),
  );
}

/** One firm's card: outcome, thresholds and a row per unit. */
function firmCard(answer, largest) {
  const { firm, hubMetrics } = answer;
  const outcome = firm.outcome ? describeEnum(firm.outcome) : "outcome not given";
  const rows = [...hubMetrics.units].sort(
    (a, b) => ROLE_ORDER.indexOf(a.unit.role) - ROLE_ORDER.indexOf(b.unit.role) || a.unit.id.localeCompare(b.unit.id),
  );
  const table = element(
    "table",
    {},
    element(
      "caption",
      {},
      `Mean subsidiary outflow ${hubMetrics.outflowThreshold.toFixed(2)}, inflow ${hubMetrics.inflowThreshold.toFixed(2)}` +
        (rows.length < hubMetrics.totalCount ? ` (the first ${rows.length} of ${hubMetrics.totalCount} units by id)` : ""),
    ),
    element(
      "thead",
      {},
      element(
        "tr",
        {},
        element("th", { scope: "col" }, "Unit"),
        element("th", { scope: "col" }, "In (hq/hub/peer)"),
        element("th", { scope: "col" }, "Out (hq/hub/peer)"),
        element("th", { scope: "col", class: "num" }, "Brokerage"),
        element("th", { scope: "col" }, "Role"),
      ),
    ),
    element(
      "tbody",
      {},
      ...rows.map((row) => {
        const swatch = element("span", { class: "swatch", "aria-hidden": "true" });
        swatch.style.background = ROLES[row.unit.role]?.colour ?? "#888";
        return element(
          "tr",
          { "data-unit-id": row.unit.id },
          element("th", { scope: "row" }, swatch, row.unit.name, element("span", { class: "role-note" }, describeRole(row.unit.role))),
          flowCell(row.inflow, largest),
          flowCell(row.outflow, largest),
          element("td", { class: "num" }, String(row.brokerage)),
          element("td", {}, row.subsidiaryRole ? describeEnum(row.subsidiaryRole) : "—"),
        );
      }),
    ),
  );
  if (rows.length === 0) table.append(element("tbody", {}, element("tr", {}, element("td", { colspan: 5 }, "No units."))));
  return element(
    "article",
    { class: "firm-card", "data-firm": firm.id },
    element("h3", {}, firm.name, " ", element("span", { class: `outcome outcome-${firm.outcome ?? "NONE"}` }, outcome)),
    table,
  );
}

/** Render two firms' hub metrics side by side; bars share one scale so they compare. */
export function renderComparison(container, answers) {
  const totals = answers.flatMap((answer) =>
    answer.hubMetrics.units.flatMap((row) => [row.inflow.total, row.outflow.total]),
  );
  const largest = Math.max(0, ...totals);
  container.replaceChildren(...answers.map((answer) => firmCard(answer, largest)));
}
