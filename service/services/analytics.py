"""Questions the record alone does not answer: what a release would cut off, how long knowledge
took to come up to the centre, and how a firm scores on Fu, Sun & Ghauri's robustness
argument.

The release analysis follows the release step of Fu, Sun & Ghauri's integration mechanism
(Table 3: drop unsuitable resources, e.g. sell a subsidiary): before a firm lets a unit go,
it should know which units would then have no upward route left to the HQ capability
centre. A unit v loses every route when the released unit lies on all of v's routes, i.e.
dominates v in the reversed upward-flow graph rooted at the centre. One dominator tree
(Cooper, Harvey & Kennedy's iterative algorithm) answers that for every unit at once.
"""

import datetime
import functools
import math
import statistics
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from service import cypher
from service.model.enums import IntegrationStep, IntegrationTier, Outcome, UnitRole
from service.model.views import FirmView, KnowledgeView
from service.services.dating import is_on_or_before
from service.services.errors import InvalidArgument, NotFound
from service.services.metrics import SUBSIDIARY_ROLES, list_support_balance
from service.services.network import get_firms_by_id, get_units_by_id, list_firms
from service.store.port import GraphStore

ANALYTICS = cypher.Folder("analytics")

# The whole firm is read at once; a firm beyond this is refused rather than cut.
MAX_FIRM_UNITS = 50_000
MAX_LEARNING_EVENTS = 500_000
MAX_LOST_KNOWLEDGE = 500
HQ_LEVEL = (UnitRole.CAPABILITY_CENTRE, UnitRole.HQ)  # the target, in order of preference
DAYS_PER_MONTH = 365.2425 / 12


@functools.lru_cache(maxsize=65_536)
def _date_parts(date: str) -> tuple[int, int, int, int]:
    """Precision (1-3), year, month and day ordinal of a partial date (0 where not given)."""
    parts = date.split("-")
    month = int(parts[1]) if len(parts) > 1 else 0
    day = datetime.date.fromisoformat(date).toordinal() if len(parts) == 3 else 0
    return len(parts), int(parts[0]), month, day


def count_months_between(*, start: str, end: str) -> float:
    """Months from one partial date to another, at the coarser of their precisions."""
    start_precision, start_year, start_month, start_day = _date_parts(start)
    end_precision, end_year, end_month, end_day = _date_parts(end)
    precision = min(start_precision, end_precision)
    if precision == 1:
        return 12.0 * (end_year - start_year)
    if precision == 2:
        return float(12 * (end_year - start_year) + end_month - start_month)
    return (end_day - start_day) / DAYS_PER_MONTH


@dataclass
class UpwardGraph:
    """A firm's units and who passes knowledge to whom upward or sideways (SENDS pairs)."""

    firm: str
    target: str | None
    roles: dict[str, UnitRole]
    senders: dict[str, list[str]] = field(default_factory=dict)  # unit -> units sending to it
    receivers: dict[str, list[str]] = field(default_factory=dict)  # unit -> units it sends to
    links: int = 0
    undated_links: int = 0  # left out under asOf: every flow of the pair is undated
    later_links: int = 0  # left out under asOf: the pair's first flow came later


@dataclass(frozen=True)
class FirmLinks:
    """A firm's units and SENDS_UP / SENDS_ACROSS pairs as read: (sender, receiver, date)."""

    firm: str
    roles: dict[str, UnitRole]
    pairs: list[tuple[str, str, str]]  # the date of the pair's earliest flow, "" if undated


async def read_firm_links(store: GraphStore, *, firm_id: str) -> FirmLinks:
    """A firm's units and upward or sideways pairs of units, in one read."""
    rows = await store.read(ANALYTICS.list_upward_links, {"firm": firm_id, "limit": MAX_FIRM_UNITS})
    if not rows and firm_id not in await get_firms_by_id(store, ids=[firm_id]):
        raise NotFound("firm", firm_id)
    if len(rows) >= MAX_FIRM_UNITS:
        raise InvalidArgument("firm", f"'{firm_id}' has more than {MAX_FIRM_UNITS:,} units")
    pairs = []
    for row in rows:
        source = row["unit"]
        for link in row["links"]:
            receiver, _, date = link.partition(">")
            pairs.append((source, receiver, date))
    return FirmLinks(
        firm=firm_id, roles={row["unit"]: UnitRole(row["role"]) for row in rows}, pairs=pairs
    )


def build_upward_graph(*, links: FirmLinks, as_of: str | None) -> UpwardGraph:
    """The upward-flow graph of the pairs, with only those dated by `as_of` if given."""
    graph = UpwardGraph(firm=links.firm, target=_pick_target(links.roles), roles=links.roles)
    kept_dates: dict[str, bool] = {}  # a firm has a few thousand distinct dates
    for source, receiver, date in links.pairs:
        if as_of is not None and not date:
            graph.undated_links += 1
            continue
        if as_of is not None:
            kept = kept_dates.get(date)
            if kept is None:
                kept = kept_dates[date] = is_on_or_before(date=date, as_of=as_of)
            if not kept:
                graph.later_links += 1
                continue
        graph.receivers.setdefault(source, []).append(receiver)
        graph.senders.setdefault(receiver, []).append(source)
        graph.links += 1
    return graph


def _pick_target(roles: dict[str, UnitRole]) -> str | None:
    for role in HQ_LEVEL:
        found = sorted(unit for unit, r in roles.items() if r is role)
        if found:
            return found[0]
    return None


@dataclass(frozen=True)
class DominatorTree:
    """Immediate dominators of every unit with an upward route to the target."""

    target: str
    parent: dict[str, str]  # unit -> immediate dominator (the target maps to itself)
    postorder: list[str]  # of the search from the target; a dominator comes after its units
    children: dict[str, list[str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for child, parent in self.parent.items():
            if child != parent:
                self.children.setdefault(parent, []).append(child)

    def count_cut_off(self) -> dict[str, int]:
        """For each unit, how many other units would lose every route if it went."""
        below = dict.fromkeys(self.postorder, 0)
        for unit in self.postorder:
            if unit != self.target:
                below[self.parent[unit]] += below[unit] + 1
        return below

    def list_cut_off(self, *, unit: str) -> list[str]:
        """The units that would lose every route to the target if `unit` went, by id."""
        found, queue = [], deque(self.children.get(unit, ()))
        while queue:
            child = queue.popleft()
            found.append(child)
            queue.extend(self.children.get(child, ()))
        return sorted(found)


def build_dominator_tree(*, graph: UpwardGraph) -> DominatorTree | None:
    """Cooper-Harvey-Kennedy dominators of the reversed upward graph, rooted at the target."""
    root = graph.target
    if root is None:
        return None
    # Depth-first from the target along reversed links (to the units that send to it).
    postorder: list[str] = []
    visited = {root}
    stack = [(root, iter(graph.senders.get(root, ())))]
    while stack:
        node, pending = stack[-1]
        for sender in pending:
            if sender not in visited:
                visited.add(sender)
                stack.append((sender, iter(graph.senders.get(sender, ()))))
                break
        else:
            stack.pop()
            postorder.append(node)
    # Units by postorder number from here on: lists of ints, several times faster than dicts
    # of ids at 10,000 units. The root is the last; a unit's dominators number above it.
    rank = {node: i for i, node in enumerate(postorder)}
    # In the reversed graph a unit's predecessors are the units it sends to.
    predecessors = [
        [rank[receiver] for receiver in graph.receivers.get(node, ()) if receiver in rank]
        for node in postorder
    ]
    idom = [-1] * len(postorder)
    idom[-1] = len(postorder) - 1
    changed = True
    while changed:
        changed = False
        for at in range(len(postorder) - 2, -1, -1):
            new_idom = -1
            for other in predecessors[at]:
                if idom[other] == -1:
                    continue
                if new_idom == -1:
                    new_idom = other
                    continue
                while other != new_idom:  # the two walk up to their nearest common dominator
                    while other < new_idom:
                        other = idom[other]
                    while new_idom < other:
                        new_idom = idom[new_idom]
            if idom[at] != new_idom:
                idom[at] = new_idom
                changed = True
    parent = {node: postorder[idom[i]] for i, node in enumerate(postorder)}
    return DominatorTree(target=root, parent=parent, postorder=postorder)


@dataclass(frozen=True)
class UpwardAnalysis:
    """A firm's upward-flow graph (as of a date, or now) and its dominator tree."""

    graph: UpwardGraph
    tree: DominatorTree | None
    cut_off_counts: dict[str, int]


@dataclass
class _KeptFirm:
    fingerprint: tuple[object, ...]
    links: FirmLinks
    analyses: OrderedDict[str | None, UpwardAnalysis] = field(default_factory=OrderedDict)


# Reading a large firm's pairs (about 85,000 at 10,000 units) takes seconds, and a release
# question needs all of them: so the pairs and the trees built from them are kept per firm,
# and reused while the firm's fingerprint (one aggregate row over its units, read from the
# store on every request) is unchanged. Every write that adds a unit or a flow changes the
# fingerprint, whichever process made it, so a kept tree is never older than the graph.
_kept: OrderedDict[tuple[str, str], _KeptFirm] = OrderedDict()
KEPT_FIRMS = 4
KEPT_DATES_PER_FIRM = 8


async def read_firm_fingerprint(store: GraphStore, *, firm_id: str) -> tuple[object, ...]:
    """A summary of a firm's units and flows that every write adding either changes."""
    row = (await store.read(ANALYTICS.get_upward_fingerprint, {"firm": firm_id}))[0]
    if not row["units"] and firm_id not in await get_firms_by_id(store, ids=[firm_id]):
        raise NotFound("firm", firm_id)
    return (row["units"], tuple(sorted(row["upper"])), row["flows"], row["brokerage"])


async def analyse_upward_graph(
    store: GraphStore, *, firm_id: str, as_of: str | None
) -> UpwardAnalysis:
    """A firm's upward graph and dominator tree, rebuilt only when the firm has changed."""
    fingerprint = await read_firm_fingerprint(store, firm_id=firm_id)
    key = (store.backend, firm_id)
    kept = _kept.get(key)
    if kept is None or kept.fingerprint != fingerprint:
        kept = _KeptFirm(fingerprint, await read_firm_links(store, firm_id=firm_id))
        _kept[key] = kept
    _kept.move_to_end(key)
    while len(_kept) > KEPT_FIRMS:
        _kept.popitem(last=False)
    analysis = kept.analyses.get(as_of)
    if analysis is None:
        graph = build_upward_graph(links=kept.links, as_of=as_of)
        tree = build_dominator_tree(graph=graph)
        analysis = UpwardAnalysis(graph, tree, tree.count_cut_off() if tree else {})
        kept.analyses[as_of] = analysis
    kept.analyses.move_to_end(as_of)
    while len(kept.analyses) > KEPT_DATES_PER_FIRM:
        kept.analyses.popitem(last=False)
    return analysis


class CriticalUnit(BaseModel):
    unit: str
    cut_off: int = Field(
        description="Units that would lose every upward route to the centre without this one."
    )


class CriticalUnits(BaseModel):
    firm: str
    target: str | None
    # Besides the target.
    units_with_route: int = Field(description="Units with at least one upward route to the target.")
    units_without_route: int = Field(description="Units with no upward route to the target at all.")
    links: int = Field(description="Pairs of units (SENDS_UP, SENDS_ACROSS) the answer used.")
    undated_links: int = Field(
        description="With asOf: pairs left out because every flow between the units is undated."
    )
    later_links: int = Field(
        description="With asOf: pairs left out because their first flow is later."
    )
    ranked: list[CriticalUnit]  # every unit whose release cuts another off, most first


async def list_critical_units(
    store: GraphStore, *, firm_id: str, as_of: str | None
) -> CriticalUnits:
    """A firm's units ranked by how many units their release would cut off from the centre."""
    analysis = await analyse_upward_graph(store, firm_id=firm_id, as_of=as_of)
    graph, counts = analysis.graph, analysis.cut_off_counts
    ranked = sorted(
        (
            CriticalUnit(unit=unit, cut_off=n)
            for unit, n in counts.items()
            if n and unit != graph.target
        ),
        key=lambda c: (-c.cut_off, c.unit),
    )
    reached = max(len(counts) - 1, 0)
    return CriticalUnits(
        firm=firm_id,
        target=graph.target,
        units_with_route=reached,
        units_without_route=len(graph.roles) - reached - (1 if graph.target else 0),
        links=graph.links,
        undated_links=graph.undated_links,
        later_links=graph.later_links,
        ranked=ranked,
    )


class ReleaseImpact(BaseModel):
    unit: str
    firm: str
    target: str | None
    has_route: bool
    cut_off: list[str]
    lost_knowledge: list[KnowledgeView]
    lost_knowledge_truncated: bool


async def get_release_impact(store: GraphStore, *, unit_id: str) -> ReleaseImpact:
    """The units and learned knowledge that would no longer reach the centre without a unit."""
    unit = (await get_units_by_id(store, ids=[unit_id])).get(unit_id)
    if unit is None:
        raise NotFound("unit", unit_id)
    firm_id = unit.firm
    analysis = await analyse_upward_graph(store, firm_id=firm_id, as_of=None)
    graph, tree = analysis.graph, analysis.tree
    cut_off = tree.list_cut_off(unit=unit_id) if tree else []
    lost: list[KnowledgeView] = []
    if tree is not None and unit_id in tree.parent:
        rows = await store.read(
            ANALYTICS.list_knowledge_learned_only_by,
            {"units": [unit_id, *cut_off], "target": tree.target, "limit": MAX_LOST_KNOWLEDGE + 1},
        )
        lost = [KnowledgeView.model_validate(row["knowledge"]) for row in rows]
    return ReleaseImpact(
        unit=unit_id,
        firm=firm_id,
        target=graph.target,
        has_route=tree is not None and unit_id in tree.parent,
        cut_off=cut_off,
        lost_knowledge=lost[:MAX_LOST_KNOWLEDGE],
        lost_knowledge_truncated=len(lost) > MAX_LOST_KNOWLEDGE,
    )


class LagDistribution(BaseModel):
    """Months from learning to a later step, over the learning events where both are dated."""

    count: int = Field(description="Learning events with a dated later step.")
    median_months: float | None
    p90_months: float | None = Field(description="90th percentile, nearest rank.")
    undated: int = Field(
        description="Left out: the later step happened, but it or the learning is undated."
    )
    never: int = Field(description="No later step on or after the learning.")


class UnitLag(BaseModel):
    unit: str
    to_hq: LagDistribution
    to_integration: LagDistribution


class TransferLag(BaseModel):
    firm: str
    learning_events: int
    to_hq: LagDistribution
    to_integration: LagDistribution
    units: list[UnitLag]  # the learners, by id


@dataclass
class _LagTally:
    months: list[float] = field(default_factory=list)
    undated: int = 0
    never: int = 0

    def add_all(self, *, starts: list[str], ends: list[str]) -> None:
        """Count learning events' lags: months from each start to its later step's date, or
        why there is none ('undated' or 'never', as the statement `list_learning_lag_ends`
        says in place of the date; it never gives a date for an undated start)."""
        for start, end in zip(starts, ends, strict=True):
            if end == "never":
                self.never += 1
            elif end == "undated":
                self.undated += 1
            else:
                self.months.append(max(count_months_between(start=start, end=end), 0.0))

    def add_tally(self, other: "_LagTally") -> None:
        """Count another tally's learning events too."""
        self.months.extend(other.months)
        self.undated += other.undated
        self.never += other.never

    def summarise(self) -> LagDistribution:
        """Count, median and 90th percentile (nearest rank) of the lags in months."""
        ordered = sorted(self.months)
        return LagDistribution(
            count=len(ordered),
            median_months=statistics.median(ordered) if ordered else None,
            p90_months=ordered[math.ceil(0.9 * len(ordered)) - 1] if ordered else None,
            undated=self.undated,
            never=self.never,
        )


# Transfer lag reads a row per learning event and item of a firm (a second or two at 100,000
# events, from the dates kept on the items), so the last answer per firm is kept while its
# units' summary and its event counts stay the same, as the release analysis keeps its trees.
_kept_lags: OrderedDict[tuple[str, str], tuple[tuple[object, ...], "TransferLag"]] = OrderedDict()


async def measure_transfer_lag(store: GraphStore, *, firm_id: str) -> TransferLag:
    """Per learner and per firm: months from learning to HQ arrival and to integration."""
    events = (await store.read(ANALYTICS.count_firm_events, {"firm": firm_id}))[0]
    fingerprint = (
        *await read_firm_fingerprint(store, firm_id=firm_id),
        events["learning"],
        events["integrations"],
    )
    key = (store.backend, firm_id)
    kept = _kept_lags.get(key)
    if kept is None or kept[0] != fingerprint:
        kept = (fingerprint, await _measure_transfer_lag(store, firm_id=firm_id))
        _kept_lags[key] = kept
    _kept_lags.move_to_end(key)
    while len(_kept_lags) > KEPT_FIRMS:
        _kept_lags.popitem(last=False)
    return kept[1]


async def _measure_transfer_lag(store: GraphStore, *, firm_id: str) -> "TransferLag":
    learners = await store.read(
        ANALYTICS.list_learning_lag_ends, {"firm": firm_id, "limit": MAX_LEARNING_EVENTS}
    )
    learning_events = sum(len(learner["dates"]) for learner in learners)
    if learning_events >= MAX_LEARNING_EVENTS:
        raise InvalidArgument(
            "firm", f"'{firm_id}' has more than {MAX_LEARNING_EVENTS:,} learning events"
        )
    firm_hq, firm_integration = _LagTally(), _LagTally()
    units = []
    for learner in sorted(learners, key=lambda row: str(row["unit"])):
        unit_hq, unit_integration = _LagTally(), _LagTally()
        unit_hq.add_all(starts=learner["dates"], ends=learner["to_hq"])
        unit_integration.add_all(starts=learner["dates"], ends=learner["to_integration"])
        firm_hq.add_tally(unit_hq)
        firm_integration.add_tally(unit_integration)
        units.append(
            UnitLag(
                unit=learner["unit"],
                to_hq=unit_hq.summarise(),
                to_integration=unit_integration.summarise(),
            )
        )
    return TransferLag(
        firm=firm_id,
        learning_events=learning_events,
        to_hq=firm_hq.summarise(),
        to_integration=firm_integration.summarise(),
        units=units,
    )


@dataclass(frozen=True)
class MeasureDefinition:
    name: str
    definition: str
    source: str
    named_by_paper: bool  # Fu et al. name it among the reasons TCL and SAIC failed


ROUTE_SHARE = MeasureDefinition(
    "route_share",
    "Share of the firm's subsidiaries with at least one upward route (upward or sideways "
    "flows) to the HQ capability centre, or to the HQ where there is no centre.",
    "Fu, Sun & Ghauri (2018), Section 4 and Figure 1 (subsidiaries as spokes feeding the hub); "
    "Section 5 (TCL and SAIC did not feed knowledge to the hub)",
    True,
)
LEARNING_PER_SUBSIDIARY = MeasureDefinition(
    "learning_per_subsidiary",
    "The firm's learning events (from customers, collaborators or the host country, at any "
    "unit) per subsidiary.",
    "Fu, Sun & Ghauri (2018), Table 2; Section 5 (TCL and SAIC did not learn from their new "
    "markets or collaborators)",
    True,
)
REVERSE_FLOWS_PER_SUBSIDIARY = MeasureDefinition(
    "reverse_flows_per_subsidiary",
    "Flows subsidiaries sent up to a regional hub, the HQ or its centre, per subsidiary.",
    "Fu, Sun & Ghauri (2018), Section 4.2 (vertical sharing); Section 5 (no sharing at TCL "
    "and SAIC)",
    True,
)
STEPS_HIGH = MeasureDefinition(
    "integration_steps_high",
    "Integration steps (leverage, renew, release) with at least one high-tier "
    "(cross-functional) event: 0 to 3.",
    "Fu, Sun & Ghauri (2018), Table 3; Section 5 (insufficient integration at TCL and SAIC)",
    True,
)
STEPS_LOW = MeasureDefinition(
    "integration_steps_low",
    "Integration steps (leverage, renew, release) with at least one low-tier (value-chain "
    "activity) event: 0 to 3.",
    "Fu, Sun & Ghauri (2018), Table 3",
    False,
)
SUPPORT_RECIPROCITY = MeasureDefinition(
    "support_reciprocity",
    "Support returned over support given, summed over ordered pairs of units and capped at "
    "1 per pair; none when the firm has no recorded support.",
    "Sartorius-Khalapsina (2024), Table 4 (support that is not reciprocal)",
    False,
)
HUB_BROKERAGE = MeasureDefinition(
    "hub_brokerage",
    "Mean brokerage of the HQ, its centre and the regional hubs: distinct pairs (a, b) with "
    "flows a -> hub -> b and no direct flow a -> b.",
    "Gould & Fernandez (1989), as adopted in kflow's hub metrics; Fu, Sun & Ghauri (2018), "
    "Figure 1 (the multi-level hub as mediator)",
    False,
)
MEASURES = (
    ROUTE_SHARE,
    LEARNING_PER_SUBSIDIARY,
    REVERSE_FLOWS_PER_SUBSIDIARY,
    STEPS_HIGH,
    STEPS_LOW,
    SUPPORT_RECIPROCITY,
    HUB_BROKERAGE,
)


class Measure(BaseModel):
    name: str
    value: float | None = Field(description="None when the firm's facts cannot say.")
    definition: str
    source: str
    named_by_paper: bool = Field(
        description="Fu, Sun & Ghauri name it among the reasons TCL and SAIC failed."
    )


class Scorecard(BaseModel):
    firm: FirmView
    measures: list[Measure]

    def value(self, name: str) -> float | None:
        """The value of one measure by name."""
        return next(m.value for m in self.measures if m.name == name)


async def get_firm_scorecard(store: GraphStore, *, firm_id: str) -> Scorecard:
    """A firm's measures on Fu, Sun & Ghauri's robustness argument, each defined and sourced."""
    firm = (await get_firms_by_id(store, ids=[firm_id])).get(firm_id)
    if firm is None:
        raise NotFound("firm", firm_id)
    counts = (await store.read(ANALYTICS.count_firm_scorecard, {"firm": firm_id}))[0]["counts"]
    analysis = await analyse_upward_graph(store, firm_id=firm_id, as_of=None)
    graph, tree = analysis.graph, analysis.tree
    subsidiaries = [unit for unit, role in graph.roles.items() if role in SUBSIDIARY_ROLES]
    routed = sum(1 for unit in subsidiaries if tree is not None and unit in tree.parent)
    support = await list_support_balance(store, firm_id=firm_id)
    given = sum(pair.given for pair in support)
    steps = {tuple(step.split(":")) for step in counts["steps"]}

    def per_subsidiary(total: float) -> float | None:
        return total / len(subsidiaries) if subsidiaries else None

    values: dict[str, float | None] = {
        ROUTE_SHARE.name: per_subsidiary(routed),
        LEARNING_PER_SUBSIDIARY.name: per_subsidiary(counts["learning"]),
        REVERSE_FLOWS_PER_SUBSIDIARY.name: per_subsidiary(counts["reverseFlows"]),
        STEPS_HIGH.name: float(
            sum((IntegrationTier.HIGH.value, s.value) in steps for s in IntegrationStep)
        ),
        STEPS_LOW.name: float(
            sum((IntegrationTier.LOW.value, s.value) in steps for s in IntegrationStep)
        ),
        SUPPORT_RECIPROCITY.name: (
            sum(min(pair.returned, pair.given) for pair in support) / given if given else None
        ),
        HUB_BROKERAGE.name: counts["hubBrokerage"] / counts["hubs"] if counts["hubs"] else None,
    }
    return Scorecard(
        firm=firm,
        measures=[
            Measure(
                name=m.name,
                value=values[m.name],
                definition=m.definition,
                source=m.source,
                named_by_paper=m.named_by_paper,
            )
            for m in MEASURES
        ],
    )


async def compare_firm_scorecards(store: GraphStore) -> list[Scorecard]:
    """The scorecards of every firm whose outcome the papers give, successes first."""
    firms = [firm for firm in await list_firms(store) if firm.outcome is not None]
    cards = [await get_firm_scorecard(store, firm_id=firm.id) for firm in firms]
    return sorted(
        cards, key=lambda card: (card.firm.outcome is not Outcome.SUCCEEDED, card.firm.id)
    )
