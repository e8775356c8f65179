"""Walking the graph: every relationship as a page of its parents' neighbours.

Each use case takes many parents at once (the GraphQL loaders batch one field across every
parent of a level) and answers one keyset page per parent, with the parent's total.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from service import cypher
from service.cypher import Query
from service.model.enums import FlowOrder, UnitOrder, UnitRole
from service.model.views import (
    FirmView,
    FlowView,
    IntegrationEventView,
    KnowledgeView,
    LearningView,
    UnitView,
)
from service.services.dating import partial_date_problem
from service.services.errors import InvalidArgument
from service.services.paging import KeysetRequest, encode_keyset_cursor, keyset_request
from service.store.port import GraphStore

NAVIGATION = cypher.Folder("navigation")

V = TypeVar("V", bound=BaseModel)
# A whole list read page by page takes this many items a round trip: most lists in one.
FLOWS_PER_READ = 1000


def check_partial_date(name: str, value: str | None) -> None:
    """Raise InvalidArgument unless the value is None or a partial date (YYYY[-MM[-DD]])."""
    problem = None if value is None else partial_date_problem(value=value)
    if problem is not None:
        raise InvalidArgument(name, problem)


@dataclass(frozen=True)
class Along:
    """What a page's statement reads beside its items, when the request will show it: the
    units an item names, and the knowledge items (with their capabilities) it names."""

    units: bool = False
    knowledge: bool = False

    def params(self) -> dict[str, Any]:
        """The statement parameters."""
        return {"withUnits": self.units, "withKnowledge": self.knowledge}


@dataclass(frozen=True)
class Related:
    """The nodes a page's statement read beside its items (see `Along`), by id, and the
    knowledge ids each learning event yielded, for events whose knowledge was read.

    Flows and integration events name their knowledge in their own views; a learning event's
    view does not, so only a page of learning events says what its items' knowledge is."""

    units: dict[str, UnitView] = field(default_factory=dict)
    knowledge: dict[str, KnowledgeView] = field(default_factory=dict)
    learning_knowledge: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read_from(cls, items: Iterable[dict[str, Any]], *, learning: bool = False) -> "Related":
        """What the items' `relatedUnits` and `relatedKnowledge` lists hold (null: not read);
        `learning` when the items are learning events."""
        related = cls()
        for item in items:
            for unit in item.get("relatedUnits") or ():
                related.units[unit["id"]] = UnitView.model_validate(unit)
            known = item.get("relatedKnowledge")
            if known is not None:
                if learning:
                    related.learning_knowledge[item["id"]] = [k["id"] for k in known]
                for knowledge in known:
                    related.knowledge[knowledge["id"]] = KnowledgeView.model_validate(knowledge)
        return related

    @classmethod
    def combined(cls, parts: Iterable["Related"]) -> "Related":
        """Everything several pages read beside their items."""
        related = cls()
        for part in parts:
            related.units.update(part.units)
            related.knowledge.update(part.knowledge)
            related.learning_knowledge.update(part.learning_knowledge)
        return related


@dataclass(frozen=True)
class Page(Generic[V]):
    """One parent's page: the items with their cursors, the parent's total, and the nodes
    read beside the items."""

    items: list[V]
    cursors: list[str]
    has_next: bool
    has_previous: bool
    total: int
    related: Related = field(default_factory=Related)

    @classmethod
    def empty(cls, request: KeysetRequest) -> "Page[V]":
        """The page of a parent with nothing to list."""
        return cls(
            [],
            [],
            has_next=_beyond_cursor(request, forward=True, more=False),
            has_previous=_beyond_cursor(request, forward=False, more=False),
            total=0,
        )


@dataclass(frozen=True)
class Period:
    """Partial dates (YYYY[-MM[-DD]]) a dated item must overlap."""

    since: str | None = None
    until: str | None = None

    def params(self) -> dict[str, Any]:
        """The statement parameters, after checking the dates."""
        check_partial_date("since", self.since)
        check_partial_date("until", self.until)
        return {"since": self.since, "until": self.until}


@dataclass(frozen=True)
class UnitFilter:
    role: UnitRole | None = None
    country: str | None = None
    order: UnitOrder = UnitOrder.NAME
    page: KeysetRequest = field(default_factory=lambda: KeysetRequest(size=20))


@dataclass(frozen=True)
class FlowFilter:
    firm: str | None = None
    knowledge: str | None = None
    period: Period = Period()
    order: FlowOrder = FlowOrder.DATE_ASC
    page: KeysetRequest = field(default_factory=lambda: KeysetRequest(size=20))
    counted: bool = True  # whether the total is wanted (it costs a second walk)
    along: Along = Along()

    def params(self) -> dict[str, Any]:
        """The statement parameters shared by every flow list."""
        return {
            "firm": self.firm,
            "knowledge": self.knowledge,
            "descending": self.order is FlowOrder.DATE_DESC,
            "counted": self.counted,
            **self.period.params(),
            **self.page.params(),
        }


@dataclass(frozen=True)
class EventFilter:
    period: Period = Period()
    page: KeysetRequest = field(default_factory=lambda: KeysetRequest(size=20))
    along: Along = Along()


def _pages(
    rows: list[dict[str, Any]], model: type[V], request: KeysetRequest
) -> dict[str | None, Page[V]]:
    pages: dict[str | None, Page[V]] = {}
    for row in rows:
        page = row["page"]
        shown = page["items"][: request.size]
        more = len(page["items"]) > request.size
        if request.backward:
            shown.reverse()  # read nearest the cursor first, shown in the list's order
        pages[page["parent"]] = Page(
            items=[model.model_validate(item) for item in shown],
            cursors=[encode_keyset_cursor(item["key"], item["id"]) for item in shown],
            has_next=_beyond_cursor(request, forward=True, more=more),
            has_previous=_beyond_cursor(request, forward=False, more=more),
            total=int(page.get("total", 0)),  # a root list counts apart, when asked
            related=Related.read_from(shown, learning=model is LearningView),
        )
    return pages


async def _read_pages(
    store: GraphStore,
    query: Query,
    params: dict[str, Any],
    model: type[V],
    request: KeysetRequest,
) -> dict[str | None, Page[V]]:
    return _pages(await store.read(query, params), model, request)


def _firm_groups(firms: list[str | None]) -> dict[str, Any]:
    """The parameters of a per-firm statement: the named firms, and whether None (every
    firm's items as one page, the root list's) is asked for too."""
    return {"firms": [firm for firm in firms if firm is not None], "everyFirm": None in firms}


def root_page(rows: list[dict[str, Any]], model: type[V], request: KeysetRequest) -> Page[V]:
    """The page a root list's statement read (its parent is null)."""
    return _pages(rows, model, request).get(None) or Page.empty(request)


def _beyond_cursor(request: KeysetRequest, *, forward: bool, more: bool) -> bool:
    """Whether items lie past the page on one side: read ahead in the paging direction, and
    the cursor's own item behind it."""
    return more if forward != request.backward else request.cursor_id is not None


async def list_firms_paged(store: GraphStore, *, page: KeysetRequest) -> Page[FirmView]:
    """A page of the firms, by name."""
    rows = await store.read(NAVIGATION.list_firms_page, page.params())
    return _pages(rows, FirmView, page).get(None) or Page.empty(page)


async def list_firm_units(
    store: GraphStore, *, firms: list[str], filters: UnitFilter
) -> dict[str | None, Page[UnitView]]:
    """A page of units for each firm, by name or by flow volume (most first)."""
    return await _read_pages(
        store,
        NAVIGATION.list_firm_units,
        {
            "firms": firms,
            "role": filters.role.value if filters.role else None,
            "country": filters.country,
            "orderBy": filters.order.value,
            "descending": filters.order is UnitOrder.FLOW_VOLUME,
            **filters.page.params(),
        },
        UnitView,
        filters.page,
    )


async def list_unit_subordinates(
    store: GraphStore, *, units: list[str], page: KeysetRequest
) -> dict[str | None, Page[UnitView]]:
    """A page of the units reporting directly to each unit, by name."""
    return await _read_pages(
        store, NAVIGATION.list_unit_subordinates, {"units": units, **page.params()}, UnitView, page
    )


async def list_unit_flows(
    store: GraphStore, *, units: list[str], outgoing: bool, filters: FlowFilter
) -> dict[str | None, Page[FlowView]]:
    """A page of the flows out of (or into) each unit, in date order."""
    query = NAVIGATION.list_unit_flows_out if outgoing else NAVIGATION.list_unit_flows_in
    params = {"units": units, **filters.params(), **filters.along.params()}
    return await _read_pages(store, query, params, FlowView, filters.page)


async def list_knowledge_flows(
    store: GraphStore, *, items: list[str], filters: FlowFilter
) -> dict[str | None, Page[FlowView]]:
    """A page of the flows that carried each knowledge item, in date order."""
    params = {"items": items, **filters.params(), **filters.along.params()}
    return await _read_pages(store, NAVIGATION.list_knowledge_flows, params, FlowView, filters.page)


async def list_every_knowledge_flow(
    store: GraphStore, *, knowledge_id: str
) -> tuple[list[FlowView], dict[str, UnitView]]:
    """Every flow that carried one knowledge item, in date order (undated last), read a
    large page at a time after the last one's cursor, with the units at their ends."""
    flows: list[FlowView] = []
    units: dict[str, UnitView] = {}
    request = KeysetRequest(size=FLOWS_PER_READ)
    while True:
        filters = FlowFilter(page=request, counted=False, along=Along(units=True))
        page = (await list_knowledge_flows(store, items=[knowledge_id], filters=filters)).get(
            knowledge_id
        )
        if page is None:
            return flows, units
        flows += page.items
        units |= page.related.units
        if not page.has_next:
            return flows, units
        request = keyset_request(
            first=FLOWS_PER_READ, after=page.cursors[-1], max_size=FLOWS_PER_READ
        )


async def list_firm_flows(
    store: GraphStore, *, firms: list[str], filters: FlowFilter
) -> dict[str | None, Page[FlowView]]:
    """A page of the flows between each firm's units, in date order."""
    rows = [
        row
        for firm in firms
        for row in await store.read(
            NAVIGATION.list_firm_flows, {"parent": firm, **filters.params()}
        )
    ]
    return _pages(rows, FlowView, filters.page)


async def list_flows(store: GraphStore, *, unit: str | None, filters: FlowFilter) -> Page[FlowView]:
    """A page of flows touching a unit, carrying an item, or of a firm (at least one named)."""
    if unit is not None:
        return _merged(
            [
                (await list_unit_flows(store, units=[unit], outgoing=way, filters=filters)).get(
                    unit
                )
                or Page.empty(filters.page)
                for way in (True, False)
            ],
            filters,
        )
    elif filters.knowledge is not None:
        pages = await list_knowledge_flows(store, items=[filters.knowledge], filters=filters)
        key = filters.knowledge
    elif filters.firm is not None:
        pages = await list_firm_flows(store, firms=[filters.firm], filters=filters)
        key = filters.firm
    else:
        raise InvalidArgument("firm", "name a firm, a knowledge item or a unit to list flows of")
    return pages.get(key) or Page.empty(filters.page)


def _merged(pages: list[Page[FlowView]], filters: FlowFilter) -> Page[FlowView]:
    """Pages of the same keyset order over disjoint flows, merged into one page."""
    entries = sorted(
        (
            (cursor_key, flow, cursor)
            for page in pages
            for cursor_key, flow, cursor in zip(
                _sort_keys(page, filters), page.items, page.cursors, strict=True
            )
        ),
        key=lambda entry: entry[0],
        reverse=filters.order is FlowOrder.DATE_DESC,
    )
    request = filters.page
    shown = entries[-request.size :] if request.backward else entries[: request.size]
    more = len(entries) > len(shown) or any(
        page.has_previous if request.backward else page.has_next for page in pages
    )
    return Page(
        items=[flow for _, flow, _ in shown],
        cursors=[cursor for _, _, cursor in shown],
        has_next=_beyond_cursor(request, forward=True, more=more),
        has_previous=_beyond_cursor(request, forward=False, more=more),
        total=sum(page.total for page in pages),
        related=Related.combined(page.related for page in pages),
    )


def _sort_keys(page: Page[FlowView], filters: FlowFilter) -> list[tuple[str, str]]:
    undated = "" if filters.order is FlowOrder.DATE_DESC else "~"
    return [(flow.date or undated, flow.id) for flow in page.items]


async def list_firm_knowledge(
    store: GraphStore, *, firms: list[str | None], page: KeysetRequest
) -> dict[str | None, Page[KnowledgeView]]:
    """A page of each firm's knowledge items (all items for None), by name."""
    rows = await store.read(
        NAVIGATION.list_firm_knowledge, {**_firm_groups(firms), **page.params()}
    )
    return _pages(rows, KnowledgeView, page)


async def list_unit_learning_events(
    store: GraphStore, *, units: list[str], firm: str | None = None, filters: EventFilter
) -> dict[str | None, Page[LearningView]]:
    """A page of what each unit learned from outside sources, in date order."""
    return await _read_pages(
        store,
        NAVIGATION.list_unit_learning_events,
        {
            "units": units,
            "firm": firm,
            "withKnowledge": filters.along.knowledge,
            **filters.period.params(),
            **filters.page.params(),
        },
        LearningView,
        filters.page,
    )


async def list_firm_learning_events(
    store: GraphStore, *, firms: list[str | None], filters: EventFilter
) -> dict[str | None, Page[LearningView]]:
    """A page of what each firm's units (all firms' for None) learned, in date order."""
    rows = await store.read(
        NAVIGATION.list_firm_learning_events,
        {**_firm_groups(firms), **filters.period.params(), **filters.page.params()},
    )
    return _pages(rows, LearningView, filters.page)


async def list_unit_integration_events(
    store: GraphStore, *, units: list[str], filters: EventFilter
) -> dict[str | None, Page[IntegrationEventView]]:
    """A page of the integration events at each unit, in time order."""
    params = {"units": units, **filters.period.params(), **filters.page.params()}
    return await _read_pages(
        store, NAVIGATION.list_unit_integration_events, params, IntegrationEventView, filters.page
    )


async def get_learning_knowledge(
    store: GraphStore, *, events: Iterable[str]
) -> dict[str, list[str]]:
    """The ids of the knowledge each learning event yielded."""
    rows = await store.read(NAVIGATION.list_learning_knowledge, {"events": list(events)})
    return {row["event"]: list(row["knowledge"]) for row in rows}
