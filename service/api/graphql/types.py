"""GraphQL types shared by every domain: the graph's nodes, enums and connections."""

import datetime
import inspect
import operator
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from service.api.graphql.arguments import Dates, Paging, grouped
from service.api.graphql.context import Info, held
from service.api.graphql.derive import Derived, fields_of
from service.api.graphql.loaders import NavigationLoaders, PageLoader
from service.api.graphql.scalars import PartialDate
from service.api.graphql.selection import along
from service.model import enums
from service.model.enums import FlowOrder, UnitOrder, UnitRole
from service.model.views import (
    ActorView,
    CapabilityView,
    FirmView,
    FlowView,
    IntegrationEventView,
    KnowledgeView,
    LearningView,
    ResourceView,
    UnitRef,
    UnitView,
)
from service.services.navigation import (
    Along,
    EventFilter,
    FlowFilter,
    Page,
    UnitFilter,
)
from service.services.paging import PageRequest, encode_cursor

strawberry.enum(enums.UnitRole, description="A unit's place in the multi-level hub.")
strawberry.enum(enums.Market)
strawberry.enum(enums.Outcome, description="How the firm's reverse learning went.")
strawberry.enum(enums.ActorKind)
strawberry.enum(enums.Channel, description="The three reverse-learning channels.")
strawberry.enum(enums.KnowledgeKind)
strawberry.enum(
    enums.FlowDirection,
    description="UPWARD is reverse transfer, DOWNWARD dissemination, HORIZONTAL peer sharing.",
)
strawberry.enum(enums.FlowMode)
strawberry.enum(enums.IntegrationStep)
strawberry.enum(
    enums.IntegrationTier, description="LOW: one value-chain activity; HIGH: cross-functional."
)
strawberry.enum(enums.ValueChainActivity)
strawberry.enum(enums.RenewMode)
strawberry.enum(enums.SupportingMechanism)
strawberry.enum(enums.ResourceKind)
strawberry.enum(enums.Interdependence)
strawberry.enum(
    UnitOrder, description="NAME: A to Z; FLOW_VOLUME: most flows (sent + received) first."
)
strawberry.enum(FlowOrder, description="By date (undated flows last either way), then id.")


DateTime = strawberry.scalar(
    name="DateTime",
    description="An instant as an RFC 3339 date-time in UTC to the millisecond, e.g. "
    "2026-12-07T10:15:00.123+00:00.",
    specified_by_url="https://scalars.graphql.org/andimarek/date-time.html",
    serialize=lambda value: value.isoformat(timespec="milliseconds"),
    parse_value=datetime.datetime.fromisoformat,
)


def from_epoch_ms(value: int) -> datetime.datetime:
    """An epoch-milliseconds instant as an aware UTC datetime (GraphQL Int is 32-bit)."""
    return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)


@strawberry.interface(description="Anything that can be fetched again with node(id).")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Stable id, unique across the whole graph (e.g. huawei-uk)."
    )


def unit_flows(
    loader: Callable[[NavigationLoaders], PageLoader[FlowFilter, FlowView]],
) -> Callable[..., Awaitable["Connection[Flow]"]]:
    """The resolver of a unit's flows one way: the same arguments, another loader."""

    @grouped
    async def resolve(
        root: Node,
        info: Info,
        knowledge: strawberry.ID | None = None,
        dates: Dates = Dates(),
        order_by: FlowOrder = FlowOrder.DATE_ASC,
        paging: Paging = Paging(),
    ) -> "Connection[Flow]":
        filters = flow_filter(info, None, knowledge, dates, order_by, paging)
        page = await loader(info.context.navigation).load(root.id, filters)
        return page_connection(page, Flow.from_view)

    return resolve


@strawberry.type(description="A multinational firm, with one case of the source papers.")
@fields_of(FirmView, skip={"case", "assumption"})
class Firm(Node, Derived):
    @strawberry.field(description="The firm's units, by name or by flow volume (most first).")
    @grouped
    async def units(
        self,
        info: Info,
        role: UnitRole | None = None,
        country: str | None = None,
        order_by: UnitOrder = UnitOrder.NAME,
        paging: Paging = Paging(),
    ) -> "Connection[Unit]":
        filters = UnitFilter(role, country, order_by, paging.keyset(info))
        page = await info.context.navigation.firm_units.load(self.id, filters)
        return page_connection(page, Unit.from_view)

    @strawberry.field(description="The firm's knowledge items, by name.")
    @grouped
    async def knowledge(self, info: Info, paging: Paging = Paging()) -> "Connection[Knowledge]":
        page = await info.context.navigation.firm_knowledge.load(self.id, paging.keyset(info))
        return page_connection(page, Knowledge.from_view)


@strawberry.type(description="An HQ, capability centre, regional HQ or subsidiary.")
@fields_of(UnitView, ids={"firm_id": "firm", "reports_to_id": "reports_to"})
class Unit(Node, Derived):
    firm_id: strawberry.Private[str]
    reports_to_id: strawberry.Private[str | None]

    @strawberry.field(description="The firm the unit belongs to.")
    async def firm(self, info: Info) -> Firm:
        view = await info.context.firms.load(self.firm_id)
        assert view is not None, f"unit {self.id} names a missing firm"
        return Firm.from_view(view)

    @strawberry.field(description="The unit this one reports to (none for the HQ).")
    async def reports_to(self, info: Info) -> "Unit | None":
        if self.reports_to_id is None:
            return None
        view = await info.context.units.load(self.reports_to_id)
        return Unit.from_view(view) if view else None

    flows_out = strawberry.field(
        resolver=unit_flows(lambda loaders: loaders.flows_out),
        description="Flows this unit sent, in date order.",
    )
    flows_in = strawberry.field(
        resolver=unit_flows(lambda loaders: loaders.flows_in),
        description="Flows this unit received, in date order.",
    )

    @strawberry.field(description="The units reporting directly to this one, by name.")
    @grouped
    async def subordinates(self, info: Info, paging: Paging = Paging()) -> "Connection[Unit]":
        page = await info.context.navigation.subordinates.load(self.id, paging.keyset(info))
        return page_connection(page, Unit.from_view)

    @strawberry.field(description="What this unit learned from outside sources, in date order.")
    @grouped
    async def learning_events(
        self, info: Info, dates: Dates = Dates(), paging: Paging = Paging()
    ) -> "Connection[LearningEvent]":
        filters = EventFilter(dates.period, paging.keyset(info), learning_along(info))
        page = await info.context.navigation.unit_learning.load(self.id, filters)
        return page_connection(page, LearningEvent.from_view)

    @strawberry.field(
        description="Integration events in which this unit is a sponsor, beneficiary or "
        "coordinator, in time order; since/until keep events "
        "whose date or period overlaps them."
    )
    @grouped
    async def integration_events(
        self, info: Info, dates: Dates = Dates(), paging: Paging = Paging()
    ) -> "Connection[IntegrationEvent]":
        filters = EventFilter(dates.period, paging.keyset(info))
        page = await info.context.navigation.unit_integrations.load(self.id, filters)
        return page_connection(page, IntegrationEvent.from_view)


# A page's objects show their units and knowledge from the request's loaders, which the
# page's statement primed: answered at once when the loader holds them, a field costs a
# fraction of an awaited resolver (graphql-core gathers every awaited field of every object
# in tasks), and only what the loader lacks is awaited.


async def load_unit(info: Info, ref: UnitRef | str) -> Unit:
    """A full Unit for a reference, through the request's batched unit loader."""
    view = await info.context.units.load(ref if isinstance(ref, str) else ref.id)
    assert view is not None, f"unit {ref} vanished during the request"
    return Unit.from_view(view)


async def load_units(info: Info, ids: Sequence[str]) -> list[Unit]:
    """Full Units for ids, in their order, through the request's batched unit loader (one
    batch for all of them, where awaiting each in turn would send one batch each)."""
    views = await info.context.units.load_many(list(ids))
    assert all(view is not None for view in views), f"a unit of {ids} vanished during the request"
    return [Unit.from_view(view) for view in views if view is not None]


def units_now(info: Info, ids: Sequence[str]) -> list[Unit] | Awaitable[list[Unit]]:
    """The Units of these ids: at once where the request's loader holds them all."""
    views = held(info.context.units, ids)
    if views is None or any(view is None for view in views):
        return load_units(info, ids)
    return [Unit.from_view(view) for view in views if view is not None]


def unit_now(info: Info, unit_id: str) -> Unit | Awaitable[Unit]:
    """The Unit of an id: at once where the request's loader holds it."""
    views = held(info.context.units, (unit_id,))
    if views is None or views[0] is None:
        return load_unit(info, unit_id)
    return Unit.from_view(views[0])


def unit_field(attribute: str, **options: Any) -> Any:
    """A field resolving to the unit whose id the object keeps at `attribute` (dotted)."""
    unit_id = operator.attrgetter(attribute)

    def resolve(root: Any, info: Info) -> Unit | Awaitable[Unit]:
        found = unit_id(root)
        return unit_now(info, found if isinstance(found, str) else found.id)

    return strawberry.field(resolver=resolve, graphql_type=Unit, **options)


def optional_unit_field(attribute: str, **options: Any) -> Any:
    """As `unit_field`, null where the object keeps no id."""
    unit_id = operator.attrgetter(attribute)

    def resolve(root: Any, info: Info) -> Unit | Awaitable[Unit] | None:
        found = unit_id(root)
        if found is None:
            return None
        return unit_now(info, found if isinstance(found, str) else found.id)

    return strawberry.field(resolver=resolve, graphql_type=Unit | None, **options)


D = TypeVar("D", bound=Derived)


def shows_unit(cls: type[D]) -> type[D]:
    """Give a derived type (applied below `fields_of`) the field `unit`, after the model's
    fields: the Unit its model names in its own `unit`, by id or as a UnitRef."""
    cls.__annotations__ = {**inspect.get_annotations(cls), "unit_id": strawberry.Private[str]}
    setattr(cls, "unit", unit_field("unit_id"))  # noqa: B010
    cls.ids_from = {"unit_id": "unit"}
    return cls


@strawberry.interface(description="A fact that runs from one unit to another.")
class UnitPair:
    source_id: strawberry.Private[str]
    target_id: strawberry.Private[str]

    source = unit_field("source_id", name="from")
    target = unit_field("target_id", name="to")


@strawberry.type(description="A capability the knowledge builds (Fu et al., Table 2).")
@fields_of(CapabilityView)
class Capability(Node, Derived):
    pass


@strawberry.type(description="A piece of knowledge: declarative (facts) or procedural (how).")
@fields_of(KnowledgeView, skip={"firm"})
class Knowledge(Node, Derived):
    @strawberry.field(description="The flows that carried this item, in date order.")
    @grouped
    async def flows(
        self,
        info: Info,
        dates: Dates = Dates(),
        order_by: FlowOrder = FlowOrder.DATE_ASC,
        paging: Paging = Paging(),
    ) -> "Connection[Flow]":
        filters = flow_filter(info, None, None, dates, order_by, paging)
        page = await info.context.navigation.knowledge_flows.load(self.id, filters)
        return page_connection(page, Flow.from_view)


async def load_knowledge(info: Info, knowledge_id: str | None) -> Knowledge | None:
    """A Knowledge through the request's batched loader."""
    if knowledge_id is None:
        return None
    view = await info.context.knowledge.load(knowledge_id)
    return Knowledge.from_view(view) if view else None


async def load_knowledge_many(info: Info, ids: Sequence[str]) -> list[Knowledge]:
    """The Knowledge of these ids that exist, in their order, through the batched loader."""
    views = await info.context.knowledge.load_many(list(ids))
    return [Knowledge.from_view(view) for view in views if view is not None]


def knowledge_now(info: Info, ids: Sequence[str]) -> list[Knowledge] | Awaitable[list[Knowledge]]:
    """As `load_knowledge_many`, at once where the request's loader holds them all."""
    views = held(info.context.knowledge, ids)
    if views is None:
        return load_knowledge_many(info, ids)
    return [Knowledge.from_view(view) for view in views if view is not None]


@strawberry.type(description="Someone outside the firm: a learning source or a customer.")
@fields_of(ActorView)
class Actor(Node, Derived):
    pass


@strawberry.type(description="Knowledge passed from one unit to another.")
@fields_of(
    FlowView, ids={"knowledge_id": "knowledge", "source_id": "source", "target_id": "target"}
)
class Flow(Node, Derived):
    date: PartialDate | None = strawberry.field(description="YYYY, YYYY-MM or YYYY-MM-DD.")
    recorded_at: datetime.datetime | None = strawberry.field(
        description="When it was recorded through the API (UTC); null for seeded facts."
    )
    knowledge_id: strawberry.Private[str | None]
    source_id: strawberry.Private[str]
    target_id: strawberry.Private[str]

    @strawberry.field(
        description="The knowledge item carried; null only where the source names none.",
        graphql_type=Knowledge | None,
    )
    def knowledge(self, info: Info) -> Knowledge | Awaitable[Knowledge | None] | None:
        if self.knowledge_id is None:
            return None
        views = held(info.context.knowledge, (self.knowledge_id,))
        if views is None:
            return load_knowledge(info, self.knowledge_id)
        return Knowledge.from_view(views[0]) if views[0] else None

    source = unit_field("source_id", name="from", description="Where the knowledge came from.")
    target = unit_field("target_id", name="to", description="Where the knowledge went.")


@strawberry.type(description="A resource an integration event leveraged, renewed or released.")
@fields_of(ResourceView)
class Resource(Node, Derived):
    pass


@strawberry.type(description="The firm leveraged, renewed or released resources (Table 3).")
@fields_of(
    IntegrationEventView,
    skip={"firm", "resources"},
    ids={
        "sponsor_ids": "sponsors",
        "beneficiary_ids": "beneficiaries",
        "coordinator_id": "coordinator",
        "knowledge_ids": "knowledge",
    },
)
class IntegrationEvent(Node, Derived):
    recorded_at: datetime.datetime | None
    # Declared here, not taken from the model, so that it follows the event's citation.
    resources: list[Resource]
    sponsor_ids: strawberry.Private[Sequence[str]]
    beneficiary_ids: strawberry.Private[Sequence[str]]
    coordinator_id: strawberry.Private[str | None]
    knowledge_ids: strawberry.Private[Sequence[str]]

    @strawberry.field(
        description="The units whose resources or knowledge it draws on (Fu et al., Table 5: "
        "subsidiaries); empty where the source names none.",
        graphql_type=list[Unit],
    )
    def sponsors(self, info: Info) -> list[Unit] | Awaitable[list[Unit]]:
        return units_now(info, self.sponsor_ids)

    @strawberry.field(
        description="The units that gain from it (Table 5: subsidiaries); empty where the "
        "source names none.",
        graphql_type=list[Unit],
    )
    def beneficiaries(self, info: Info) -> list[Unit] | Awaitable[list[Unit]]:
        return units_now(info, self.beneficiary_ids)

    coordinator = optional_unit_field(
        "coordinator_id",
        description="The HQ, capability centre or regional HQ that coordinates it (Table 5); "
        "null where the source names none.",
    )

    @strawberry.field(
        description="The first sponsor, or null when the source names none.",
        deprecation_reason="An event has several roles: use sponsors, beneficiaries and "
        "coordinator.",
    )
    async def unit(self, info: Info) -> Unit | None:
        return await load_unit(info, self.sponsor_ids[0]) if self.sponsor_ids else None

    @strawberry.field(description="The knowledge it used.", graphql_type=list[Knowledge])
    def knowledge(self, info: Info) -> list[Knowledge] | Awaitable[list[Knowledge]]:
        return knowledge_now(info, self.knowledge_ids)


@strawberry.type(description="A unit learned knowledge from an outside source.")
@fields_of(LearningView, ids={"unit_id": "unit"})
class LearningEvent(Node, Derived):
    date: PartialDate | None
    unit_id: strawberry.Private[str]

    unit = unit_field("unit_id", description="The unit that learned.")

    @strawberry.field(description="The knowledge it yielded, by id.")
    async def knowledge(self, info: Info) -> list[Knowledge]:
        ids = await info.context.navigation.learning_knowledge.load(self.id)
        views = await info.context.knowledge.load_many(ids)
        return [Knowledge.from_view(view) for view in views if view is not None]


T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None

    @classmethod
    def of(cls, cursors: Sequence[str | None], *, has_next: bool, has_previous: bool) -> "PageInfo":
        """The page info of a page whose items have these cursors, in the list's order."""
        return cls(
            has_next_page=has_next,
            has_previous_page=has_previous,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of results; ask for totalCount only when you need it.")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many results there are in all (one more query).")
    async def total_count(self) -> int:
        return await self.count()


def make_connection(
    items: Sequence[T], page: PageRequest, count: Callable[[], Awaitable[int]]
) -> Connection[T]:
    """A connection for one page of a list ordered by position."""
    shown = list(items[: page.limit if page.backward else page.limit - 1])
    edges = [Edge(cursor=encode_cursor(page.skip + i), node=item) for i, item in enumerate(shown)]
    return Connection(
        edges=edges,
        page_info=PageInfo.of(
            [edge.cursor for edge in edges],
            has_next=not page.at_end if page.backward else len(items) > len(shown),
            has_previous=page.skip > 0,
        ),
        count=count,
    )


def page_connection(
    page: Page[Any],
    convert: Callable[[Any], T],
    count: Callable[[], Awaitable[int]] | None = None,
) -> Connection[T]:
    """A connection for one keyset page: its total known, or counted when asked (`count`)."""
    edges = [
        Edge(cursor=cursor, node=convert(item))
        for cursor, item in zip(page.cursors, page.items, strict=True)
    ]

    async def total() -> int:
        return page.total if count is None else await count()

    return Connection(
        edges=edges,
        page_info=PageInfo.of(page.cursors, has_next=page.has_next, has_previous=page.has_previous),
        count=total,
    )


# Why the lists of a computed answer page by position, not by keyset: the answer is computed
# afresh from the whole graph at each request, and one record can add, drop or re-rank entries
# anywhere in it, so no cursor could keep a page in place; the graph's own lists use keysets.
COMPUTED_PAGES = (
    " Paged by position: the answer is computed afresh at each page load, and a record "
    "written between loads can re-rank it."
)


async def position_page(
    info: Info,
    count: Callable[[], Awaitable[int]],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageRequest:
    """The page a list ordered by position asks for (fields not yet taking `Paging`)."""
    return await Paging(first, after, last, before).position(info, count)


def wants_total(info: Info) -> bool:
    """Whether the connection being resolved is asked for its totalCount."""
    return any(_asks_total(field.selections) for field in info.selected_fields)


def _asks_total(selections: Sequence[Selection]) -> bool:
    return any(
        selection.name == "totalCount"
        if isinstance(selection, SelectedField)
        else _asks_total(selection.selections)
        for selection in selections
    )


def learning_along(info: Info) -> Along:
    """What a list of learning events reads beside its events: their knowledge, if shown."""
    return along(info, units=(), knowledge=("knowledge",))


def flow_filter(
    info: Info,
    firm: strawberry.ID | None,
    knowledge: strawberry.ID | None,
    dates: Dates,
    order_by: FlowOrder,
    paging: Paging,
) -> FlowFilter:
    """The filters and page of a flow list."""
    return FlowFilter(
        firm=str(firm) if firm is not None else None,
        knowledge=str(knowledge) if knowledge is not None else None,
        period=dates.period,
        order=order_by,
        page=paging.keyset(info),
        counted=wants_total(info),
        along=along(info, units=("from", "to"), knowledge=("knowledge",)),
    )
