"""Where knowledge went: reverse transfer up to HQ, dissemination down and across, and the
whole circulation of one knowledge item (Fu, Sun & Ghauri's Table 5)."""

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from service import cypher
from service.model.enums import PathRole, Stage, UnitRole
from service.model.views import (
    FlowView,
    IntegrationEventView,
    KnowledgeView,
    LearningView,
    UnitRef,
    UnitView,
)
from service.services.errors import InvalidArgument, NotFound
from service.services.integration import list_knowledge_integration_events
from service.services.navigation import list_every_knowledge_flow
from service.services.network import find_nodes, get_units_by_id
from service.services.paging import PageRequest
from service.store.port import GraphStore

PATHS = cypher.Folder("paths")

MAX_HOPS = 6  # the literal bound in the traversal statements
MAX_REACH = 500
MAX_CIRCULATION_PATHS = 50
MAX_COUNTED_PATHS = 1000
# Trails of one item each are walked item by item (one round trip each), for at most this
# many items a unit sent.
MAX_TRAIL_ITEMS = 50
# No traversal enumerates more paths than this, whatever its arguments (with the literal
# hop bounds in the statements and the engine's query timeout behind it; the circulation
# walk, in Python, also has MAX_WALK_STEPS).
MAX_WALKED_PATHS = 20_000
# Routes of up to this many hops are walked together: in a hub-and-spoke firm a page of
# routes from a subsidiary reaches this length anyway (spoke, peer, hub, centre).
COMMON_ROUTE_HOPS = 4


class Hop(BaseModel):
    unit: UnitRef
    role: PathRole
    flow: FlowView | None  # the flow that brought knowledge here (None at the start)


class KnowledgePath(BaseModel):
    hops: list[Hop]

    @property
    def length(self) -> int:
        """Number of flows on the path."""
        return len(self.hops) - 1


class PathPage(BaseModel):
    target: str
    paths: list[KnowledgePath]
    undated_excluded: int = 0  # with as_of: paths walked for the page left out as undated
    units: dict[str, UnitView] = {}  # the paths' units read whole by the walk, where it did


class Reach(BaseModel):
    unit: UnitRef
    distance: int
    route: list[Hop]


class CirculationStep(BaseModel):
    stage: Stage
    date: str | None
    learning: LearningView | None = None
    flow: FlowView | None = None
    integration: IntegrationEventView | None = None


class Circulation(BaseModel):
    knowledge: KnowledgeView
    learning: list[LearningView]
    reverse_transfer_paths: list[KnowledgePath]
    integrations: list[IntegrationEventView]
    disseminations: list[FlowView]
    timeline: list[CirculationStep]


def _role_on_path(position: int, last: int, role: UnitRole) -> PathRole:
    if position == 0:
        return PathRole.SPOKE
    if position == last or role in (UnitRole.HQ, UnitRole.CAPABILITY_CENTRE):
        return PathRole.HUB
    return PathRole.REGIONAL_HUB if role is UnitRole.REGIONAL_HQ else PathRole.PEER


class Route(BaseModel):
    """A walked path as the traversal statements return it: its units and the flows between."""

    units: list[UnitRef]
    flows: list[FlowView]


def _path(row: dict[str, Any]) -> KnowledgePath:
    route = Route.model_validate(row)
    last = len(route.units) - 1
    return KnowledgePath(
        hops=[
            Hop(
                unit=unit,
                role=_role_on_path(i, last, unit.role),
                flow=route.flows[i - 1] if i else None,
            )
            for i, unit in enumerate(route.units)
        ]
    )


def _check_hops(max_hops: int) -> None:
    if not 1 <= max_hops <= MAX_HOPS:
        raise InvalidArgument("maxHops", f"must be between 1 and {MAX_HOPS}, not {max_hops}")


async def _require(store: GraphStore, wanted: dict[str, tuple[str, str | None]]) -> None:
    """Raise NotFound for the first argument whose id names no node with the right label."""
    ids = [node_id for _, node_id in wanted.values() if node_id is not None]
    found = await find_nodes(store, ids=ids)
    for label, node_id in wanted.values():
        if node_id is not None and label not in found.get(node_id, {}).get("labels", []):
            raise NotFound(label.lower(), node_id)


async def _reverse_transfer_target(
    store: GraphStore, *, unit_id: str, to_id: str | None, knowledge_id: str | None
) -> str:
    """The target of a reverse transfer, after checking that every named node exists."""
    ends = (
        await store.read(
            PATHS.get_reverse_transfer_ends,
            {"from": unit_id, "to": to_id, "knowledge": knowledge_id},
        )
    )[0]["ends"]
    if knowledge_id is not None and ends["knowledge"] is None:
        raise NotFound("knowledge", knowledge_id)
    return _checked_target(ends, unit_id=unit_id, to_id=to_id, default=ends["defaultTarget"])


def _checked_target(
    ends: dict[str, Any], *, unit_id: str, to_id: str | None, default: str | None
) -> str:
    """The target a statement found for the ends, after checking that the named units exist."""
    if ends["source"] is None:
        raise NotFound("unit", unit_id)
    if to_id is not None and ends["named"] is None:
        raise NotFound("unit", to_id)
    target = to_id or default
    if target is None:
        raise InvalidArgument("to", f"the firm of '{unit_id}' has no HQ; name the target")
    return str(target)


@dataclass(frozen=True)
class PathQuestion:
    """Which reverse transfer paths are asked for: from a unit to its HQ capability centre
    (or `to_id`), within `max_hops`; with a knowledge item, the trails that carried it;
    `same_knowledge`, trails of one item each (of any item); `as_of`, only paths whose every
    hop is dated on or before it."""

    unit_id: str
    to_id: str | None = None
    knowledge_id: str | None = None
    max_hops: int = 4
    as_of: str | None = None
    same_knowledge: bool = False


@dataclass
class Walked:
    """Paths as the traversal statements return them, how many were left out as undated,
    and the paths' units read whole, where the statement reads them."""

    paths: list[dict[str, Any]]
    undated: int = 0
    units: dict[str, UnitView] = field(default_factory=dict)
    target: str | None = None  # where the paths lead, when the walk found it

    def add(self, other: "Walked") -> None:
        """Take in the paths of another walk."""
        self.paths += other.paths
        self.undated += other.undated
        self.units |= other.units


async def _list_routes(store: GraphStore, question: PathQuestion, *, wanted: int) -> Walked:
    """The first `wanted` routes upward to the target (which the first walk finds and checks),
    shortest first, and the undated ones left out."""
    routes = Walked([])
    lengths = _route_lengths(question.max_hops)
    while lengths and len(routes.paths) < wanted:
        low, high = lengths.pop(0)
        rows = await store.read(
            PATHS.list_reverse_transfer_routes,
            {
                "from": question.unit_id,
                "to": routes.target or question.to_id,
                "minHops": low,
                "maxHops": high,
                "cap": MAX_WALKED_PATHS,
                "limit": wanted - len(routes.paths),
                "asOf": question.as_of,
            },
        )
        ends = rows[0]["walk"]["ends"]
        target = routes.target = _checked_target(
            ends, unit_id=question.unit_id, to_id=question.to_id, default=ends["target"]
        )
        capped, found = _walked(rows)
        if capped and low < high:
            # Shorter walks may stay under the cap: a page of short routes can still be exact.
            lengths[:0] = [(hops, hops) for hops in range(low, high + 1)]
            continue
        if capped:
            raise _too_many_paths(unit_id=question.unit_id, to_id=target, hops=high)
        routes.add(found)
    return routes


def _route_lengths(max_hops: int) -> list[tuple[int, int]]:
    """The ranges of route lengths walked in turn, shortest first."""
    # The common lengths in one round trip (most pages end there); each longer length alone,
    # walked only when a page still needs routes.
    common = min(max_hops, COMMON_ROUTE_HOPS)
    return [(1, common)] + [(hops, hops) for hops in range(common + 1, max_hops + 1)]


def _walked(rows: list[dict[str, Any]]) -> tuple[bool, Walked]:
    """Whether a capped walk was cut at its cap, and what it walked."""
    if not rows:
        return False, Walked([])
    walk = rows[0]["walk"]
    paths = list(walk["paths"])
    units = walk.get("units")
    if units is not None:  # the walk named each route's units by id, and read them once
        by_id = {unit["id"]: unit for unit in units}
        paths = [path | {"units": [by_id[i] for i in path["units"]]} for path in paths]
    views = (UnitView.model_validate(unit) for unit in units or ())
    return bool(walk["capped"]), Walked(
        paths, int(walk.get("undated") or 0), {view.id: view for view in views}
    )


def _too_many_paths(*, unit_id: str, to_id: str, hops: int) -> InvalidArgument:
    # A walk cut at the cap comes back in the engine's order, not shortest first, so ranking
    # it would silently drop shorter paths.
    advice = f"ask for maxHops {hops - 1} or fewer" if hops > 1 else "name a nearer target"
    return InvalidArgument(
        "maxHops",
        f"more than {MAX_WALKED_PATHS:,} paths of up to {hops} hops lead from '{unit_id}' to "
        f"'{to_id}', too many to rank shortest first; {advice}",
    )


async def _list_trails(
    store: GraphStore, question: PathQuestion, to_id: str, knowledge_id: str, page: PageRequest
) -> Walked:
    """One page of the trails that carried one item, and the undated ones left out."""
    rows = await store.read(
        PATHS.list_reverse_transfer_paths,
        {
            "from": question.unit_id,
            "to": to_id,
            "knowledge": knowledge_id,
            "maxHops": question.max_hops,
            "cap": MAX_WALKED_PATHS,
            "skip": page.skip,
            "limit": page.limit,
            "asOf": question.as_of,
        },
    )
    capped, walked = _walked(rows)
    if capped:
        raise _too_many_paths(unit_id=question.unit_id, to_id=to_id, hops=question.max_hops)
    return walked


async def _list_single_item_trails(
    store: GraphStore, question: PathQuestion, to_id: str, *, wanted: int
) -> Walked:
    """The first `wanted` trails that each carry one item, of any item the unit sent, and
    how many were left out for an undated hop."""
    rows = await store.read(
        PATHS.list_sent_knowledge, {"from": question.unit_id, "cap": MAX_TRAIL_ITEMS + 1}
    )
    if len(rows) > MAX_TRAIL_ITEMS:
        raise InvalidArgument(
            "sameKnowledge",
            f"'{question.unit_id}' sent more than {MAX_TRAIL_ITEMS} knowledge items upward or "
            "sideways; name one with `knowledge`",
        )
    trails = Walked([])
    for row in rows:
        trails.add(
            await _list_trails(
                store, question, to_id, row["knowledge"], PageRequest(skip=0, limit=wanted)
            )
        )
    trails.paths = sorted(trails.paths, key=_trail_order)[:wanted]
    return trails


def _trail_order(trail: dict[str, Any]) -> tuple[int, list[str], list[str]]:
    """Shortest first, then by the units' ids and the flows' ids (as the statements rank)."""
    return (
        len(trail["flows"]),
        [unit["id"] for unit in trail["units"]],
        [flow["id"] for flow in trail["flows"]],
    )


async def list_reverse_transfer_paths(
    store: GraphStore, *, question: PathQuestion, page: PageRequest
) -> PathPage:
    """Paths upward from a unit to its HQ capability centre (or `to_id`), shortest first.

    With a knowledge item, a path is the trail of flows that carried it. Without one, a
    path is a route: distinct units, each having passed at least one upward or horizontal
    flow to the next; its hops show the earliest such flow, so the item may change from
    hop to hop, unless `same_knowledge` asks for trails of one item each (of any item).
    With `as_of`, only paths whose every hop is dated on or before it.
    """
    target, walked = await _walk_to_target(store, question, page)
    return PathPage(
        target=target,
        paths=[_path(row) for row in walked.paths],
        undated_excluded=walked.undated,
        units=walked.units,
    )


async def count_reverse_transfer_paths(store: GraphStore, *, question: PathQuestion) -> int:
    """How many such paths there are, counting up to MAX_COUNTED_PATHS."""
    _, walked = await _walk_to_target(store, question, PageRequest(0, MAX_COUNTED_PATHS))
    return len(walked.paths)


async def _walk_to_target(
    store: GraphStore, question: PathQuestion, page: PageRequest
) -> tuple[str, Walked]:
    """The target, and one page of paths to it."""
    _check_hops(question.max_hops)
    if question.knowledge_id is None and not question.same_knowledge and page.limit > 0:
        # Routes find their own ends: one round trip for a page of short routes.
        routes = await _list_routes(store, question, wanted=page.skip + page.limit)
        routes.paths = routes.paths[page.skip : page.skip + page.limit]
        assert routes.target is not None
        return routes.target, routes
    target = await _reverse_transfer_target(
        store, unit_id=question.unit_id, to_id=question.to_id, knowledge_id=question.knowledge_id
    )
    return target, await _walk_paths(store, question, target, page)


async def _walk_paths(
    store: GraphStore, question: PathQuestion, to_id: str, page: PageRequest
) -> Walked:
    """One page of paths to a known target (trails of one item, or routes), and how many
    were left out as undated."""
    if question.knowledge_id is not None:
        return await _list_trails(store, question, to_id, question.knowledge_id, page)
    found = await _list_single_item_trails(store, question, to_id, wanted=page.skip + page.limit)
    found.paths = found.paths[page.skip : page.skip + page.limit]
    return found


def _earliest(flow: dict[str, Any]) -> tuple[bool, str, str]:
    return (flow["date"] is None, flow["date"] or "", flow["id"])


async def _list_links(
    store: GraphStore, *, frontier: list[str], knowledge_id: str | None
) -> list[dict[str, Any]]:
    """Every link out of the frontier: a call that meets the cap is asked again by halves."""
    rows = await store.read(
        PATHS.list_dissemination_links,
        {"from": frontier, "knowledge": knowledge_id, "cap": MAX_WALKED_PATHS},
    )
    if len(rows) < MAX_WALKED_PATHS:
        return rows
    if len(frontier) == 1:
        raise InvalidArgument(
            "maxHops",
            f"'{frontier[0]}', on the way, passes knowledge to more than {MAX_WALKED_PATHS:,} "
            "units; ask for fewer hops",
        )
    half = len(frontier) // 2
    return [
        *await _list_links(store, frontier=frontier[:half], knowledge_id=knowledge_id),
        *await _list_links(store, frontier=frontier[half:], knowledge_id=knowledge_id),
    ]


async def list_dissemination(
    store: GraphStore, *, unit_id: str, knowledge_id: str | None, max_hops: int
) -> list[Reach]:
    """The units a unit's knowledge reached downward and sideways, nearest first.

    A breadth-first search, one level per round trip: each unit comes at its shortest
    distance, with the route through the smallest ids among the shortest, and the walk stops
    at the level where MAX_REACH units are reached.
    """
    _check_hops(max_hops)
    await _require(store, {"from": ("Unit", unit_id), "knowledge": ("Knowledge", knowledge_id)})
    source = (await get_units_by_id(store, ids=[unit_id]))[unit_id]
    units: dict[str, dict[str, Any]] = {unit_id: source.model_dump(mode="json")}
    parent: dict[str, tuple[str, dict[str, Any]]] = {}
    distance = {unit_id: 0}
    frontier = [unit_id]
    reached: list[str] = []
    for level in range(1, max_hops + 1):
        if not frontier or len(reached) >= MAX_REACH:
            break
        rows = await _list_links(store, frontier=frontier, knowledge_id=knowledge_id)
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for row in rows:
            link = row["link"]
            target = link["unit"]["id"]
            if target in distance:
                continue
            units[target] = link["unit"]
            best = found.get(target)
            candidate = (link["from"], link["flow"])
            if best is None or (candidate[0], _earliest(candidate[1])) < (
                best[0],
                _earliest(best[1]),
            ):
                found[target] = candidate
        frontier = sorted(found)[: MAX_REACH - len(reached)]
        for target in frontier:
            distance[target] = level
            parent[target] = found[target]
        reached += frontier
    reaches = []
    for target in reached:
        chain = [target]
        while chain[-1] != unit_id:
            chain.append(parent[chain[-1]][0])
        chain.reverse()
        route = _path(
            {"units": [units[u] for u in chain], "flows": [parent[u][1] for u in chain[1:]]}
        ).hops
        reaches.append(
            Reach(
                unit=UnitRef.model_validate(units[target]), distance=distance[target], route=route
            )
        )
    return reaches


_STAGE_OF_DIRECTION = {
    "upward": Stage.TRANSFERRED_UP,
    "downward": Stage.DISSEMINATED_DOWN,
    "horizontal": Stage.SHARED_ACROSS,
}
_STAGE_ORDER = list(Stage)


def _timeline(
    learning: list[LearningView], flows: list[FlowView], integrations: list[IntegrationEventView]
) -> list[CirculationStep]:
    steps = [CirculationStep(stage=Stage.LEARNED, date=e.date, learning=e) for e in learning]
    steps += [
        CirculationStep(stage=_STAGE_OF_DIRECTION[f.direction.value], date=f.date, flow=f)
        for f in flows
    ]
    steps += [
        CirculationStep(stage=Stage.INTEGRATED, date=i.date, integration=i) for i in integrations
    ]
    depth = _hops_from_learners(learning, flows)

    def order(step: CirculationStep) -> tuple[bool, str, int, int]:
        # Undated steps keep the order of the cycle (learn, send up, integrate, pass on),
        # and flows within a stage the order of the route, nearest the learner first.
        source = step.flow.source if step.flow else None
        hops = depth.get(source, len(depth)) if source else 0
        return (step.date is None, step.date or "", _STAGE_ORDER.index(step.stage), hops)

    return sorted(steps, key=order)


def _hops_from_learners(learning: list[LearningView], flows: list[FlowView]) -> dict[str, int]:
    """How many flows away from where the item entered each unit is, along these flows:
    from the units that learned it, and from units that send it without receiving it."""
    targets = {flow.target for flow in flows}
    depth = {event.unit.id: 0 for event in learning}
    depth |= {f.source: 0 for f in flows if f.source not in targets}
    frontier = list(depth)
    while frontier:
        reached = []
        for flow in flows:
            if flow.source in frontier and flow.target not in depth:
                depth[flow.target] = depth[flow.source] + 1
                reached.append(flow.target)
        frontier = reached
    return depth


def _dates_in_order(before: str | None, after: str | None) -> bool:
    """Whether a flow dated `after` may follow one dated `before`: undated either way, or not
    earlier at the precision the two share."""
    if before is None or after is None:
        return True
    shared = min(len(before), len(after))
    return before[:shared] <= after[:shared]


class _Capped(Exception):
    """The walk found MAX_WALKED_PATHS trails, or took MAX_WALK_STEPS steps, and stopped."""


# The circulation walk runs in the API process, with no engine timeout behind it: it stops
# after this many steps (flows looked at) however few trails it found.
MAX_WALK_STEPS = 200_000


def _hops_to(target: str, onward: dict[str, list[FlowView]]) -> dict[str, int]:
    """The fewest flows from each unit to `target` along `onward` (dates aside): a walk
    steps only to units from which the target is still within reach."""
    backward: dict[str, set[str]] = {}
    for source, flows in onward.items():
        for flow in flows:
            backward.setdefault(flow.target, set()).add(source)
    hops = {target: 0}
    frontier = [target]
    while frontier:
        reached = []
        for unit in frontier:
            for source in backward.get(unit, ()):
                if source not in hops:
                    hops[source] = hops[unit] + 1
                    reached.append(source)
        frontier = reached
    return hops


def _circulation_trails(
    learners: list[UnitRef], targets: dict[str, str], flows: list[FlowView]
) -> list[tuple[str, list[FlowView]]]:
    """The reverse transfer trails of one item, walked over its own flows: from each unit
    that learned it to its firm's target, by upward or horizontal flows, no unit visited
    twice, dates never going back, at most MAX_HOPS flows; shortest first, then by the ids
    of their units and flows. Raises _Capped past MAX_WALKED_PATHS trails or MAX_WALK_STEPS
    steps."""
    onward: dict[str, list[FlowView]] = {}
    for flow in flows:
        if flow.direction.value in ("upward", "horizontal"):
            onward.setdefault(flow.source, []).append(flow)
    trails: list[tuple[str, list[FlowView]]] = []
    steps = 0

    def walk(
        start: str, target: str, near: dict[str, int], seen: set[str], trail: list[FlowView]
    ) -> None:
        nonlocal steps
        for flow in onward.get(trail[-1].target if trail else start, []):
            steps += 1
            if steps > MAX_WALK_STEPS:
                raise _Capped
            if flow.target in seen or (trail and not _dates_in_order(trail[-1].date, flow.date)):
                continue
            if flow.target == target:
                trails.append((start, [*trail, flow]))
                if len(trails) >= MAX_WALKED_PATHS:
                    raise _Capped
            elif len(trail) + 1 + near.get(flow.target, MAX_HOPS) <= MAX_HOPS:
                walk(start, target, near, seen | {flow.target}, [*trail, flow])

    reach = {target: _hops_to(target, onward) for target in set(targets.values())}
    for learner in sorted({unit.id: unit for unit in learners}.values(), key=lambda u: u.id):
        if learner.firm in targets:
            target = targets[learner.firm]
            walk(learner.id, target, reach[target], {learner.id}, [])

    def order(found: tuple[str, list[FlowView]]) -> tuple[int, list[str], list[str]]:
        start, trail = found
        return len(trail), [start, *(f.target for f in trail)], [f.id for f in trail]

    return sorted(trails, key=order)


async def get_circulation(store: GraphStore, *, knowledge_id: str) -> Circulation:
    """The whole life of one knowledge item, in time order (three store round trips, more
    for an item of over a thousand flows). Every read starts from the item, so its cost
    follows the item's own learning, flows and events, not the size of the graph."""
    rows = await store.read(PATHS.get_knowledge_learning, {"knowledge": knowledge_id})
    if not rows:
        raise NotFound("knowledge", knowledge_id)
    knowledge = KnowledgeView.model_validate(rows[0]["knowledge"])
    learning = [LearningView.model_validate(e) for e in rows[0]["learning"]]
    targets = {row["firm"]: row["unit"] for row in rows[0]["targets"]}
    flows, units = await list_every_knowledge_flow(store, knowledge_id=knowledge_id)
    try:
        trails = _circulation_trails([e.unit for e in learning], targets, flows)
    except _Capped:
        raise InvalidArgument(
            "knowledge",
            f"the flows carrying '{knowledge_id}' make more than {MAX_WALKED_PATHS:,} trails "
            f"(or {MAX_WALK_STEPS:,} steps of walking) to rank; ask reverseTransferPaths for "
            "one unit, with fewer hops",
        ) from None
    paths = [
        _path(
            {
                "units": [
                    units[unit].model_dump(include=set(UnitRef.model_fields))
                    for unit in (start, *(f.target for f in trail))
                ],
                "flows": trail,
            }
        )
        for start, trail in trails[:MAX_CIRCULATION_PATHS]
    ]
    integrations = await list_knowledge_integration_events(
        store, knowledge_id=knowledge_id, limit=MAX_REACH
    )
    return Circulation(
        knowledge=knowledge,
        learning=learning,
        reverse_transfer_paths=paths,
        integrations=integrations,
        disseminations=[f for f in flows if f.direction.value != "upward"],
        timeline=_timeline(learning, flows, integrations),
    )
