"""Where knowledge went: reverse transfer up to HQ, dissemination down and across, and the
whole circulation of one knowledge item (Fu, Sun & Ghauri's Table 5)."""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from service import cypher
from service.model.enums import UnitRole
from service.model.views import FlowView, IntegrationEventView, KnowledgeView, LearningView, UnitRef
from service.services.errors import InvalidArgument, NotFound
from service.services.integration import EventFilter, list_integration_events
from service.services.network import find_nodes
from service.services.paging import PageRequest
from service.store.port import GraphStore

LIST_REVERSE_TRANSFER_PATHS = cypher.load("paths/list_reverse_transfer_paths")
GET_REVERSE_TRANSFER_TARGET = cypher.load("paths/get_reverse_transfer_target")
LIST_DISSEMINATION = cypher.load("paths/list_dissemination")
GET_KNOWLEDGE_LEARNING = cypher.load("paths/get_knowledge_learning")
LIST_KNOWLEDGE_FLOWS = cypher.load("paths/list_knowledge_flows")
LIST_CIRCULATION_PATHS = cypher.load("paths/list_circulation_paths")

MAX_HOPS = 6  # the literal bound in the traversal statements
MAX_REACH = 500
MAX_CIRCULATION_PATHS = 50
MAX_COUNTED_PATHS = 1000


class PathRole(StrEnum):
    """What a unit does on one path: where knowledge starts, relays, or arrives."""

    SPOKE = "spoke"
    PEER = "peer"
    REGIONAL_HUB = "regional_hub"
    HUB = "hub"


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


class Reach(BaseModel):
    unit: UnitRef
    distance: int
    route: list[Hop]


class Stage(StrEnum):
    LEARNED = "learned"
    TRANSFERRED_UP = "transferred_up"
    INTEGRATED = "integrated"
    DISSEMINATED_DOWN = "disseminated_down"
    SHARED_ACROSS = "shared_across"


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


def _path(row: dict[str, Any]) -> KnowledgePath:
    units = [UnitRef.model_validate(u) for u in row["units"]]
    flows = [FlowView.model_validate(f) for f in row["flows"]]
    last = len(units) - 1
    return KnowledgePath(
        hops=[
            Hop(unit=unit, role=_role_on_path(i, last, unit.role), flow=flows[i - 1] if i else None)
            for i, unit in enumerate(units)
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


async def list_reverse_transfer_paths(
    store: GraphStore,
    *,
    unit_id: str,
    to_id: str | None,
    knowledge_id: str | None,
    max_hops: int,
    page: PageRequest,
) -> PathPage:
    """Paths upward from a unit to its HQ capability centre (or `to_id`), shortest first."""
    _check_hops(max_hops)
    await _require(
        store,
        {
            "from": ("Unit", unit_id),
            "to": ("Unit", to_id),
            "knowledge": ("Knowledge", knowledge_id),
        },
    )
    if to_id is None:
        target = (await store.read(GET_REVERSE_TRANSFER_TARGET, {"from": unit_id}))[0]["target"]
        to_id = target["target"]
        if to_id is None:
            raise InvalidArgument("to", f"the firm of '{unit_id}' has no HQ; name the target")
    rows = await store.read(
        LIST_REVERSE_TRANSFER_PATHS,
        {
            "from": unit_id,
            "to": to_id,
            "knowledge": knowledge_id,
            "maxHops": max_hops,
            "skip": page.skip,
            "limit": page.limit,
        },
    )
    return PathPage(target=to_id, paths=[_path(row["path"]) for row in rows])


async def count_reverse_transfer_paths(
    store: GraphStore, *, unit_id: str, to_id: str, knowledge_id: str | None, max_hops: int
) -> int:
    """How many such paths there are, counting up to MAX_COUNTED_PATHS."""
    result = await list_reverse_transfer_paths(
        store,
        unit_id=unit_id,
        to_id=to_id,
        knowledge_id=knowledge_id,
        max_hops=max_hops,
        page=PageRequest(skip=0, limit=MAX_COUNTED_PATHS),
    )
    return len(result.paths)


async def list_dissemination(
    store: GraphStore, *, unit_id: str, knowledge_id: str | None, max_hops: int
) -> list[Reach]:
    """The units a unit's knowledge reached downward and sideways, nearest first."""
    _check_hops(max_hops)
    await _require(store, {"from": ("Unit", unit_id), "knowledge": ("Knowledge", knowledge_id)})
    rows = await store.read(
        LIST_DISSEMINATION,
        {"from": unit_id, "knowledge": knowledge_id, "maxHops": max_hops, "limit": MAX_REACH},
    )
    reaches = []
    for row in rows:
        reach = row["reach"]
        route = _path({"units": reach["units"], "flows": reach["flows"]}).hops
        reaches.append(
            Reach(
                unit=UnitRef.model_validate(reach["unit"]),
                distance=int(reach["distance"]),
                route=route,
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
        source = step.flow.source.id if step.flow and step.flow.source else None
        hops = depth.get(source, len(depth)) if source else 0
        return (step.date is None, step.date or "", _STAGE_ORDER.index(step.stage), hops)

    return sorted(steps, key=order)


def _hops_from_learners(learning: list[LearningView], flows: list[FlowView]) -> dict[str, int]:
    """How many flows away from where the item entered each unit is, along these flows:
    from the units that learned it, and from units that send it without receiving it."""
    targets = {flow.target.id for flow in flows if flow.target}
    depth = {event.unit.id: 0 for event in learning}
    depth |= {f.source.id: 0 for f in flows if f.source and f.source.id not in targets}
    frontier = list(depth)
    while frontier:
        reached = []
        for flow in flows:
            if (
                flow.source
                and flow.target
                and flow.source.id in frontier
                and flow.target.id not in depth
            ):
                depth[flow.target.id] = depth[flow.source.id] + 1
                reached.append(flow.target.id)
        frontier = reached
    return depth


async def get_circulation(store: GraphStore, *, knowledge_id: str) -> Circulation:
    """The whole life of one knowledge item, in time order (four store round trips)."""
    rows = await store.read(GET_KNOWLEDGE_LEARNING, {"knowledge": knowledge_id})
    if not rows:
        raise NotFound("knowledge", knowledge_id)
    knowledge = KnowledgeView.model_validate(rows[0]["knowledge"])
    learning = [LearningView.model_validate(e) for e in rows[0]["learning"]]
    flows = [
        FlowView.model_validate(row["flow"])
        for row in await store.read(LIST_KNOWLEDGE_FLOWS, {"knowledge": knowledge_id})
    ]
    paths = [
        _path(row["path"])
        for row in await store.read(
            LIST_CIRCULATION_PATHS, {"knowledge": knowledge_id, "limit": MAX_CIRCULATION_PATHS}
        )
    ]
    integrations = await list_integration_events(
        store, filters=EventFilter(knowledge=knowledge_id), page=PageRequest(0, MAX_REACH)
    )
    return Circulation(
        knowledge=knowledge,
        learning=learning,
        reverse_transfer_paths=paths,
        integrations=integrations,
        disseminations=[f for f in flows if f.direction.value != "upward"],
        timeline=_timeline(learning, flows, integrations),
    )
