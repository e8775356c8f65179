"""Firms, units, knowledge and any node by id."""

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from service import cypher
from service.model.enums import Channel, FlowDirection, UnitRole
from service.model.views import (
    ActorView,
    CapabilityView,
    FirmView,
    FlowView,
    IntegrationEventView,
    KnowledgeView,
    LearningView,
    ResourceView,
    UnitView,
)
from service.services.dating import is_on_or_before
from service.services.errors import NotFound
from service.services.navigation import Page, UnitFilter, list_firm_units
from service.services.paging import KeysetRequest, PageRequest
from service.store.port import GraphStore

LIST_FIRMS = cypher.load("cases/list_firms")
LIST_FIRMS_BY_ID = cypher.load("network/list_firms_by_id")
LIST_UNITS = cypher.load("network/list_units")
COUNT_UNITS = cypher.load("network/count_units")
LIST_UNITS_BY_ID = cypher.load("network/list_units_by_id")
LIST_KNOWLEDGE_BY_ID = cypher.load("network/list_knowledge_by_id")
FIND_NODES_BY_ID = cypher.load("network/find_nodes_by_id")
LIST_FLOWS_BY_ID = cypher.load("network/list_flows_by_id")
LIST_INTEGRATION_EVENTS_BY_ID = cypher.load("network/list_integration_events_by_id")
LIST_LEARNING_EVENTS_BY_ID = cypher.load("network/list_learning_events_by_id")
LIST_FIRM_FLOWS = cypher.load("network/list_firm_flows")
LIST_FIRM_LEARNING_SOURCES = cypher.load("network/list_firm_learning_sources")
# The most units one page of a firm's network holds (and the page size when none is asked).
MAX_NETWORK_UNITS = 2000


async def list_firms(store: GraphStore) -> list[FirmView]:
    """Every firm in the graph, by id."""
    return [FirmView.model_validate(row["firm"]) for row in await store.read(LIST_FIRMS)]


async def get_firms_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, FirmView]:
    """The firms with these ids (missing ones are absent)."""
    rows = await store.read(LIST_FIRMS_BY_ID, {"ids": ids})
    return {row["firm"]["id"]: FirmView.model_validate(row["firm"]) for row in rows}


def _unit_filters(firm: str | None, role: UnitRole | None, country: str | None) -> dict[str, Any]:
    return {"firm": firm, "role": role.value if role else None, "country": country}


async def list_units(
    store: GraphStore,
    *,
    firm: str | None,
    role: UnitRole | None,
    country: str | None,
    page: PageRequest,
) -> list[UnitView]:
    """One page of units, filtered, in id order."""
    rows = await store.read(
        LIST_UNITS, _unit_filters(firm, role, country) | {"skip": page.skip, "limit": page.limit}
    )
    return [UnitView.model_validate(row["unit"]) for row in rows]


async def count_units(
    store: GraphStore, *, firm: str | None, role: UnitRole | None, country: str | None
) -> int:
    """How many units the filters select."""
    rows = await store.read(COUNT_UNITS, _unit_filters(firm, role, country))
    return int(rows[0]["total"])


async def get_units_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, UnitView]:
    """The units with these ids (missing ones are absent)."""
    rows = await store.read(LIST_UNITS_BY_ID, {"ids": ids})
    return {row["unit"]["id"]: UnitView.model_validate(row["unit"]) for row in rows}


async def get_knowledge_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, KnowledgeView]:
    """The knowledge items with these ids, with the capabilities they build."""
    rows = await store.read(LIST_KNOWLEDGE_BY_ID, {"ids": ids})
    return {row["knowledge"]["id"]: KnowledgeView.model_validate(row["knowledge"]) for row in rows}


async def find_nodes(store: GraphStore, *, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Any nodes with these ids: {id: {labels, properties}}."""
    rows = await store.read(FIND_NODES_BY_ID, {"ids": ids})
    return {row["node"]["id"]: row["node"] for row in rows}


NodeView = (
    FirmView
    | UnitView
    | KnowledgeView
    | CapabilityView
    | ActorView
    | ResourceView
    | FlowView
    | IntegrationEventView
    | LearningView
)


async def get_nodes_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, NodeView]:
    """Whatever has these ids, each kind read in one batch; unknown ids are absent."""
    found = await find_nodes(store, ids=ids)
    kinds: dict[str, list[str]] = {}
    views: dict[str, NodeView] = {}
    for node_id, node in found.items():
        labels = node["labels"]
        if "Capability" in labels:
            views[node_id] = CapabilityView.model_validate(node["properties"])
        elif "Actor" in labels:
            views[node_id] = ActorView.model_validate(node["properties"])
        elif "Resource" in labels:
            views[node_id] = ResourceView.model_validate(node["properties"])
        else:
            kind = next(iter(_BATCHED_KINDS.keys() & set(labels)), "")
            kinds.setdefault(kind, []).append(node_id)
    # Flows are relationships, so find_nodes never sees them: the ids it did not find may be.
    kinds["Flow"] = [node_id for node_id in ids if node_id not in found]
    for kind, wanted in kinds.items():
        if wanted and kind:
            views.update(await _BATCHED_KINDS[kind](store, wanted))
    return views


async def _flows_by_id(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    rows = await store.read(LIST_FLOWS_BY_ID, {"ids": ids})
    return {row["flow"]["id"]: FlowView.model_validate(row["flow"]) for row in rows}


async def _integration_events_by_id(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    rows = await store.read(LIST_INTEGRATION_EVENTS_BY_ID, {"ids": ids})
    return {row["event"]["id"]: IntegrationEventView.model_validate(row["event"]) for row in rows}


async def _learning_events_by_id(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    rows = await store.read(LIST_LEARNING_EVENTS_BY_ID, {"ids": ids})
    return {row["event"]["id"]: LearningView.model_validate(row["event"]) for row in rows}


async def _firms(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    return dict(await get_firms_by_id(store, ids=ids))


async def _units(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    return dict(await get_units_by_id(store, ids=ids))


async def _knowledge(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    return dict(await get_knowledge_by_id(store, ids=ids))


_BATCHED_KINDS: dict[str, Callable[[GraphStore, list[str]], Awaitable[dict[str, NodeView]]]] = {
    "Firm": _firms,
    "Unit": _units,
    "Knowledge": _knowledge,
    "Flow": _flows_by_id,
    "IntegrationEvent": _integration_events_by_id,
    "LearningEvent": _learning_events_by_id,
}


class FlowLink(BaseModel):
    source: str
    target: str
    direction: FlowDirection
    volume: int
    flows: list[FlowView]


class SourceLink(BaseModel):
    unit: str
    channel: Channel
    events: int
    source: ActorView


class FirmNetwork(BaseModel):
    firm: FirmView
    units: list[UnitView]
    links: list[FlowLink]
    sources: list[SourceLink]
    total_units: int
    has_next: bool
    has_previous: bool
    start_cursor: str | None
    end_cursor: str | None
    undated_excluded: int = 0  # with as_of: undated flows and learning events left out


async def get_firm_network(
    store: GraphStore, *, firm_id: str, page: KeysetRequest, as_of: str | None = None
) -> FirmNetwork:
    """A page of a firm's network for drawing: units by name, the flows they sent grouped by
    pair, and their learning sources; paging through the units gives every link once.

    With `as_of`, only the flows and learning events dated on or before it.
    """
    firms = await get_firms_by_id(store, ids=[firm_id])
    if firm_id not in firms:
        raise NotFound("firm", firm_id)
    pages = await list_firm_units(store, firms=[firm_id], filters=UnitFilter(page=page))
    units = pages.get(firm_id) or Page.empty(page)
    ids = [unit.id for unit in units.items]
    links = [
        FlowLink.model_validate(row["link"])
        for row in await store.read(LIST_FIRM_FLOWS, {"units": ids})
    ]
    source_rows = [
        row["link"]
        for row in await store.read(LIST_FIRM_LEARNING_SOURCES, {"units": ids, "asOf": as_of})
    ]
    undated = sum(int(row["undated"]) for row in source_rows)
    if as_of is not None:
        undated += sum(1 for link in links for flow in link.flows if flow.date is None)
        links = [_dated_by(link, as_of) for link in links]
        links = [link for link in links if link.volume]
    sources = [SourceLink.model_validate(row) for row in source_rows if row["events"]]
    return FirmNetwork(
        firm=firms[firm_id],
        units=units.items,
        links=links,
        sources=sources,
        total_units=units.total,
        has_next=units.has_next,
        has_previous=units.has_previous,
        start_cursor=units.cursors[0] if units.cursors else None,
        end_cursor=units.cursors[-1] if units.cursors else None,
        undated_excluded=undated,
    )


def _dated_by(link: FlowLink, as_of: str) -> FlowLink:
    flows = [
        f for f in link.flows if f.date is not None and is_on_or_before(date=f.date, as_of=as_of)
    ]
    return link.model_copy(update={"flows": flows, "volume": len(flows)})
