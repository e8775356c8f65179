"""Firms, units, knowledge and any node by id."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from service import cypher
from service.model import views
from service.model.enums import Channel, FlowDirection, UnitRole
from service.services.dating import is_on_or_before
from service.services.errors import NotFound
from service.services.navigation import Page, UnitFilter, list_firm_units, root_page
from service.services.paging import KeysetRequest
from service.store.port import GraphReader, GraphStore

CASES = cypher.Folder("cases")
NETWORK = cypher.Folder("network")
# The most units one page of a firm's network holds (and the page size when none is asked).
MAX_NETWORK_UNITS = 2000


async def list_firms(store: GraphStore) -> list[views.FirmView]:
    """Every firm in the graph, by id."""
    return [
        views.FirmView.model_validate(row["firm"]) for row in await store.read(CASES.list_firms)
    ]


V = TypeVar("V", bound=BaseModel)


async def _read_by_id(
    store: GraphReader, query: cypher.Query, model: type[V], ids: list[str]
) -> dict[str, V]:
    """A by-id statement's nodes as views, by id (its one column holds each node's map)."""
    column = query.returns[0]
    rows = await store.read(query, {"ids": ids})
    return {row[column]["id"]: model.model_validate(row[column]) for row in rows}


async def get_firms_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, views.FirmView]:
    """The firms with these ids (missing ones are absent)."""
    return await _read_by_id(store, NETWORK.list_firms_by_id, views.FirmView, ids)


def _unit_filters(firm: str | None, role: UnitRole | None, country: str | None) -> dict[str, Any]:
    return {"firm": firm, "role": role.value if role else None, "country": country}


async def list_units_paged(
    store: GraphStore,
    *,
    firm: str | None,
    role: UnitRole | None,
    country: str | None,
    page: KeysetRequest,
) -> Page[views.UnitView]:
    """A page of units, filtered, by id: stable when units are recorded between pages."""
    rows = await store.read(
        NETWORK.list_units_page, _unit_filters(firm, role, country) | page.params()
    )
    return root_page(rows, views.UnitView, page)


async def count_units(
    store: GraphStore, *, firm: str | None, role: UnitRole | None, country: str | None
) -> int:
    """How many units the filters select."""
    rows = await store.read(NETWORK.count_units, _unit_filters(firm, role, country))
    return int(rows[0]["total"])


async def get_units_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, views.UnitView]:
    """The units with these ids (missing ones are absent)."""
    return await _read_by_id(store, NETWORK.list_units_by_id, views.UnitView, ids)


async def get_knowledge_by_id(
    store: GraphStore, *, ids: list[str]
) -> dict[str, views.KnowledgeView]:
    """The knowledge items with these ids, with the capabilities they build."""
    return await _read_by_id(store, NETWORK.list_knowledge_by_id, views.KnowledgeView, ids)


async def find_nodes(store: GraphReader, *, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Any nodes with these ids: {id: {labels, properties}}."""
    rows = await store.read(NETWORK.find_nodes_by_id, {"ids": ids})
    return {row["node"]["id"]: row["node"] for row in rows}


NodeView = (
    views.FirmView
    | views.UnitView
    | views.KnowledgeView
    | views.CapabilityView
    | views.ActorView
    | views.ResourceView
    | views.FlowView
    | views.IntegrationEventView
    | views.LearningView
    | views.CustomerManagementView
    | views.ProjectView
)


async def get_nodes_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, NodeView]:
    """Whatever has these ids, each kind read in one batch; unknown ids are absent."""
    found = await find_nodes(store, ids=ids)
    kinds: dict[str, list[str]] = {}
    node_views: dict[str, NodeView] = {}
    for node_id, node in found.items():
        labels = node["labels"]
        if "Capability" in labels:
            node_views[node_id] = views.CapabilityView.model_validate(node["properties"])
        elif "Actor" in labels:
            node_views[node_id] = views.ActorView.model_validate(node["properties"])
        elif "Resource" in labels:
            node_views[node_id] = views.ResourceView.model_validate(node["properties"])
        else:
            kind = next(iter(_BATCHED_KINDS.keys() & set(labels)), "")
            kinds.setdefault(kind, []).append(node_id)
    # Flows and customer management are relationships, so find_nodes never sees them: the
    # ids it did not find may be either.
    kinds["Flow"] = kinds["CustomerManagement"] = [
        node_id for node_id in ids if node_id not in found
    ]
    for kind, wanted in kinds.items():
        if wanted and kind:
            node_views.update(await _BATCHED_KINDS[kind](store, wanted))
    return node_views


async def _flows_by_id(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    return dict(await _read_by_id(store, NETWORK.list_flows_by_id, views.FlowView, ids))


async def get_integration_events_by_id(
    store: GraphStore, *, ids: list[str]
) -> dict[str, views.IntegrationEventView]:
    """The integration events with these ids, with their roles, knowledge and resources."""
    query = NETWORK.list_integration_events_by_id
    return await _read_by_id(store, query, views.IntegrationEventView, ids)


async def get_projects_by_id(store: GraphStore, *, ids: list[str]) -> dict[str, views.ProjectView]:
    """The cross-border projects with these ids, with their units, dependencies and customer."""
    return await _read_by_id(store, NETWORK.list_projects_by_id, views.ProjectView, ids)


async def _projects(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    return dict(await get_projects_by_id(store, ids=ids))


async def _customer_management_by_id(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    query = NETWORK.list_customer_management_by_id
    return dict(await _read_by_id(store, query, views.CustomerManagementView, ids))


async def _integration_events(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    return dict(await get_integration_events_by_id(store, ids=ids))


async def _learning_events_by_id(store: GraphStore, ids: list[str]) -> dict[str, NodeView]:
    query = NETWORK.list_learning_events_by_id
    return dict(await _read_by_id(store, query, views.LearningView, ids))


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
    "CustomerManagement": _customer_management_by_id,
    "IntegrationEvent": _integration_events,
    "LearningEvent": _learning_events_by_id,
    "Project": _projects,
}


class FlowLink(BaseModel):
    source: str
    target: str
    direction: FlowDirection
    volume: int
    flows: list[views.FlowView]


class SourceLink(BaseModel):
    unit: str
    channel: Channel
    events: int
    source: views.ActorView


class FirmNetwork(BaseModel):
    firm: views.FirmView
    units: list[views.UnitView]
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
        for row in await store.read(NETWORK.list_firm_flows, {"units": ids})
    ]
    source_rows = [
        row["link"]
        for row in await store.read(
            NETWORK.list_firm_learning_sources, {"units": ids, "asOf": as_of}
        )
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
