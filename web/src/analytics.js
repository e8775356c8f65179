// What the record alone does not show: the units a release would cut off from the centre,
// and a firm's robustness scorecard. Both come from kflow's analytics fields.
import { element } from "./dom.js";
import { describeEnum } from "./style.js";

// Why the page asks the release question at all.
export const RELEASE_SOURCE =
  "Fu, Sun & Ghauri (2018), Table 3: in the release step a firm drops resources that no longer fit, such as a subsidiary.";

const MEASURE_LABELS = {
  route_share: "Subsidiaries with a route to the centre",
  learning_per_subsidiary: "Learning events per subsidiary",
  reverse_flows_per_subsidiary: "Reverse flows per subsidiary",
  integration_steps_high: "Integration steps, high tier (of 3)",
  integration_steps_low: "Integration steps, low tier (of 3)",
  support_reciprocity: "Reciprocity of support",
  hub_brokerage: "Hub brokerage (mean)",
};


/** A measure's value as it reads in the table; a share reads as a percentage. */
export function describeMeasureValue(measure) {
  if (measure.value === null) return "cannot say";
  if (measure.name === "route_share") return `${Math.round(measure.value * 100)}%`;
  return Number.isInteger(measure.value) ? String(measure.value) : measure.value.toFixed(2);
}

/** The firm's scorecard as a table: measure, value, what it means and where it comes from. */
export function renderScorecard(container, card) {
  const outcome = card.firm.outcome ? describeEnum(card.firm.outcome).toLowerCase() : "outcome not given by the papers";
  const rows = card.measures.map((measure) =>
    element(
      "tr",
      { "data-measure": measure.name, "data-value": measure.value === null ? "" : measure.value },
      element(
        "th",
        { scope: "row" },
        MEASURE_LABELS[measure.name] ?? measure.name,
        measure.namedByPaper ? element("span", { class: "named", title: "Fu et al. name it among the reasons TCL and SAIC failed" }, " (named by the paper)") : null,
      ),
      element("td", { class: "num" }, describeMeasureValue(measure)),
      element("td", {}, measure.definition),
      element("td", { class: "source" }, measure.source),
    ),
  );
  container.replaceChildren(
    element(
      "table",
      {},
      element("caption", {}, `${card.firm.name} (${outcome})`),
      element(
        "thead",
        {},
        element("tr", {}, element("th", { scope: "col" }, "Measure"), element("th", { scope: "col" }, "Value"), element("th", { scope: "col" }, "Definition"), element("th", { scope: "col" }, "Source")),
      ),
      element("tbody", {}, ...rows),
    ),
  );
}

/** The release answer in words, with the knowledge that would no longer come up. */
export function describeRelease(name, impact, unitName) {
  const parts = [];
  const target = impact.target?.name ?? "the centre";
  if (!impact.hasRoute) {
    parts.push(element("p", {}, `${name} has no upward route to ${target} now, so releasing it cuts no one off from it.`));
  } else if (impact.cutOffIds.length === 0) {
    parts.push(element("p", {}, `Releasing ${name} cuts no unit off: every other unit keeps a route to ${target}.`));
  } else {
    const count = impact.cutOffIds.length;
    parts.push(
      element("p", {}, `Releasing ${name} would leave ${count} unit${count === 1 ? "" : "s"} with no upward route to ${target} (greyed on the drawing):`),
      element("ul", { class: "cut-off-list" }, ...impact.cutOffIds.map((id) => element("li", { "data-unit-id": id }, unitName(id)))),
    );
  }
  if (impact.lostKnowledge.length) {
    const more = impact.lostKnowledgeTruncated ? " (the first 500)" : "";
    parts.push(
      element("p", {}, `Knowledge only they learned, which would no longer reach ${target}${more}:`),
      element(
        "ul",
        { class: "lost-knowledge" },
        ...impact.lostKnowledge.map((item) => element("li", { "data-knowledge-id": item.id }, item.name, element("span", { class: "hint" }, ` (${item.citation ?? "source not given"})`))),
      ),
    );
  }
  parts.push(element("p", { class: "hint" }, `Why ask: ${RELEASE_SOURCE}`));
  return parts;
}
