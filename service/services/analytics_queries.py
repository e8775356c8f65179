"""The analytics questions as named queries: release impact, critical units, transfer lag and
the scorecard, listed, parameterised and exported like the statement-backed questions.

A dominator tree of a firm or the matching of every learning event to its later steps is no
single Cypher statement at 10,000 units, so these queries are computed by the service (the
same functions the GraphQL fields call, over the same kept trees) and marked as computed in
the catalogue. Each row carries the citations of the records its facts rest on, and their
assumptions where the seed adds what its source does not state.
"""

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from service import cypher
from service.cypher import Param
from service.services import analytics
from service.services.dating import parse_as_of
from service.store.port import GraphStore

ANALYTICS = cypher.Folder("analytics")

Rows = list[dict[str, Any]]
# Every named query that can answer many rows takes `rowLimit`: the row cap is applied by the
# engine (`LIMIT $rowLimit`) or the walk, which then never sorts, sends or decodes rows past
# it. run_named_query binds it to one more than the cap (so `truncated` is exact); it is not
# the analyst's to set, so the catalogue and bind_params leave it out.
ROW_LIMIT = "rowLimit"
Citations = tuple[list[str], list[str]]  # citations, assumptions: distinct, sorted


@dataclass(frozen=True)
class ComputedQuery:
    """A named question answered by a service computation, described like a statement."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    compute: Callable[[GraphStore, Mapping[str, Any]], Awaitable[Rows]]

    @property
    def param_names(self) -> frozenset[str]:
        """The parameter names the question takes."""
        return frozenset(p.name for p in self.params)


def _distinct(values: Iterable[str | None]) -> list[str]:
    return sorted({value for value in values if value})


def _merge(found: Iterable[Citations]) -> Citations:
    citations: set[str] = set()
    assumptions: set[str] = set()
    for cited, assumed in found:
        citations.update(cited)
        assumptions.update(assumed)
    return sorted(citations), sorted(assumptions)


async def read_sent_link_citations(
    store: GraphStore, *, units: list[str], as_of: str | None
) -> dict[str, Citations]:
    """Per unit, the citations of the upward and sideways pairs it sends (as of a date)."""
    if not units:
        return {}
    rows = await store.read(ANALYTICS.list_sent_link_citations, {"units": units, "asOf": as_of})
    return {
        row["unit"]: (_distinct(row["citations"]), _distinct(row["assumptions"])) for row in rows
    }


async def list_release_impact_rows(store: GraphStore, params: Mapping[str, Any]) -> Rows:
    """The release impact of a unit, a row per unit cut off and per knowledge item lost."""
    impact = await analytics.get_release_impact(store, unit_id=params["unit"])
    sent = await read_sent_link_citations(store, units=impact.cut_off, as_of=None)
    rows: Rows = []
    for unit in impact.cut_off:
        citations, assumptions = sent.get(unit, ([], []))
        rows.append({"kind": "unit", "id": unit, "citation": citations, "assumption": assumptions})
    for item in impact.lost_knowledge:
        rows.append(
            {
                "kind": "knowledge",
                "id": item.id,
                "citation": _distinct([item.citation]),
                "assumption": _distinct([item.assumption]),
            }
        )
    return rows


async def list_critical_unit_rows(store: GraphStore, params: Mapping[str, Any]) -> Rows:
    """A firm's critical units, most cut off first, each citing the routes it cuts."""
    as_of = parse_as_of(value=params["asOf"])
    critical = await analytics.list_critical_units(store, firm_id=params["firm"], as_of=as_of)
    analysis = await analytics.analyse_upward_graph(store, firm_id=params["firm"], as_of=as_of)
    tree = analysis.tree
    cut_off = {c.unit: tree.list_cut_off(unit=c.unit) if tree else [] for c in critical.ranked}
    sent = await read_sent_link_citations(
        store,
        units=sorted({u for unit, below in cut_off.items() for u in (unit, *below)}),
        as_of=as_of,
    )
    rows: Rows = []
    for c in critical.ranked:
        citations, assumptions = _merge(sent.get(u, ([], [])) for u in (c.unit, *cut_off[c.unit]))
        rows.append(
            {
                "unit": c.unit,
                "role": analysis.graph.roles[c.unit].value,
                "cut_off": c.cut_off,
                "citation": citations,
                "assumption": assumptions,
            }
        )
    return rows


def _lag_row(level: str, unit: str, step: str, lag: analytics.LagDistribution) -> dict[str, Any]:
    return {
        "level": level,
        "id": unit,
        "step": step,
        "count": lag.count,
        "median_months": lag.median_months,
        "p90_months": lag.p90_months,
        "undated": lag.undated,
        "never": lag.never,
    }


async def list_transfer_lag_rows(store: GraphStore, params: Mapping[str, Any]) -> Rows:
    """A firm's transfer lags: the firm's two rows first, then two per learning unit."""
    firm = params["firm"]
    lag = await analytics.measure_transfer_lag(store, firm_id=firm)
    rows = await store.read(ANALYTICS.list_learning_citations, {"firm": firm})
    learned = {
        row["unit"]: (_distinct(row["citations"]), _distinct(row["assumptions"])) for row in rows
    }
    found: Rows = []
    for level, unit, to_hq, to_integration, (citations, assumptions) in [
        ("firm", firm, lag.to_hq, lag.to_integration, _merge(learned.values())),
        *(
            ("unit", u.unit, u.to_hq, u.to_integration, learned.get(u.unit, ([], [])))
            for u in lag.units
        ),
    ]:
        for step, distribution in (("to_hq", to_hq), ("to_integration", to_integration)):
            found.append(
                _lag_row(level, unit, step, distribution)
                | {"citation": citations, "assumption": assumptions}
            )
    return found


# The kind of record each scorecard measure counts (read_firm_record_citations' kinds).
MEASURE_RECORDS = {
    analytics.ROUTE_SHARE.name: "flows",
    analytics.LEARNING_PER_SUBSIDIARY.name: "learning",
    analytics.REVERSE_FLOWS_PER_SUBSIDIARY.name: "flows",
    analytics.STEPS_HIGH.name: "integration",
    analytics.STEPS_LOW.name: "integration",
    analytics.SUPPORT_RECIPROCITY.name: "support",
    analytics.HUB_BROKERAGE.name: "flows",
}


async def list_scorecard_rows(store: GraphStore, params: Mapping[str, Any]) -> Rows:
    """A firm's scorecard, or every firm's with an outcome: a row per measure."""
    if params["firm"] is None:
        cards = await analytics.compare_firm_scorecards(store)
    else:
        cards = [await analytics.get_firm_scorecard(store, firm_id=params["firm"])]
    rows: Rows = []
    for card in cards:
        records = {
            row["kind"]: (_distinct(row["citations"]), _distinct(row["assumptions"]))
            for row in await store.read(
                ANALYTICS.list_firm_record_citations, {"firm": card.firm.id}
            )
        }
        for measure in card.measures:
            citations, assumptions = records.get(MEASURE_RECORDS[measure.name], ([], []))
            rows.append(
                {
                    "firm": card.firm.id,
                    "outcome": card.firm.outcome.value if card.firm.outcome else None,
                    "measure": measure.name,
                    "value": measure.value,
                    "named_by_paper": measure.named_by_paper,
                    "definition": measure.definition,
                    "source": measure.source,
                    "citation": citations,
                    "assumption": assumptions,
                }
            )
    return rows


CITED = ("citation", "assumption")
COMPUTED_QUERIES = (
    ComputedQuery(
        name="list_release_impact",
        title="What would no longer reach the HQ capability centre if this unit were released?",
        description="The units that would lose every upward route to the firm's capability "
        "centre (or HQ), by id, then the learned knowledge that would no longer come up "
        "(at most 500 items): the release step of Fu, Sun & Ghauri's Table 3, asked before "
        "a unit is let go. A unit row cites the pairs of units it sends knowledge to upward "
        "or sideways (each by its earliest flow), a knowledge row the item's record.",
        params=(Param("unit", "STRING"),),
        returns=("kind", "id", *CITED),
        compute=list_release_impact_rows,
    ),
    ComputedQuery(
        name="list_critical_units",
        title="Which units' release would cut others off from the HQ capability centre?",
        description="A firm's units ranked by how many units would lose every upward route "
        "to the centre without them (a dominator tree of the reversed upward-flow graph), "
        "then by id. asOf (YYYY, YYYY-MM or YYYY-MM-DD) keeps only the pairs of units whose "
        "earliest flow is dated on or before it. A row cites the pairs the unit and the "
        "units it cuts off send upward or sideways (each by its earliest flow).",
        params=(Param("firm", "STRING"), Param("asOf", "DATE", "null")),
        returns=("unit", "role", "cut_off", *CITED),
        compute=list_critical_unit_rows,
    ),
    ComputedQuery(
        name="list_transfer_lag",
        title="How long did learned knowledge take to reach HQ and to be integrated?",
        description="Months from each learning event below the HQ level to the first flow "
        "carrying the item into the HQ or its centre (to_hq) and to the first integration "
        "event using it (to_integration), on or after the learning: count, median, 90th "
        "percentile (nearest rank); undated steps and those that never came are counted "
        "apart. The firm's rows first, then each learning unit's by id. A row cites the "
        "learning events it measures from.",
        params=(Param("firm", "STRING"),),
        returns=(
            "level",
            "id",
            "step",
            "count",
            "median_months",
            "p90_months",
            "undated",
            "never",
            *CITED,
        ),
        compute=list_transfer_lag_rows,
    ),
    ComputedQuery(
        name="list_firm_scorecard",
        title="How does a firm score on Fu, Sun & Ghauri's robustness argument?",
        description="Each measure of the robustness scorecard with its value, definition and "
        "the paper it rests on (source); without a firm, every firm whose outcome the papers "
        "give, successes first. A row cites the firm's records the measure counts: flows "
        "(each pair of units by its earliest flow), learning events, integration events or "
        "support.",
        params=(Param("firm", "STRING", "null"),),
        returns=(
            "firm",
            "outcome",
            "measure",
            "value",
            "named_by_paper",
            "definition",
            "source",
            *CITED,
        ),
        compute=list_scorecard_rows,
    ),
)
