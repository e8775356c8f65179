"""GraphQL types shared by every domain: the graph's nodes, enums and connections."""

import datetime
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from service.api.graphql.context import Info
from service.model import enums
from service.model.enums import (
    ActorKind,
    Channel,
    FlowDirection,
    FlowMode,
    IntegrationStep,
    IntegrationTier,
    KnowledgeKind,
    Market,
    Outcome,
    RenewMode,
    ResourceKind,
    SupportingMechanism,
    UnitRole,
    ValueChainActivity,
)
from service.model.views import (
    ActorView,
    CapabilityView,
    FirmView,
    FlowView,
    IntegrationEventView,
    KnowledgeView,
    LearningView,
    UnitRef,
    UnitView,
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


def from_epoch_ms(value: int) -> datetime.datetime:
    """An epoch-milliseconds instant as an aware UTC datetime (GraphQL Int is 32-bit)."""
    return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)


def recorded(value: int | None) -> datetime.datetime | None:
    """When a record came in through the API, if it did."""
    return None if value is None else from_epoch_ms(value)


@strawberry.interface(description="Anything that can be fetched again with node(id).")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Stable id, unique across the whole graph (e.g. huawei-uk)."
    )


@strawberry.type(description="A multinational firm, with one case of the source papers.")
class Firm(Node):
    name: str
    home_country: str | None
    industry: str | None
    outcome: Outcome | None
    summary: str | None
    citation: str | None

    @classmethod
    def from_view(cls, view: FirmView) -> "Firm":
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
            home_country=view.home_country,
            industry=view.industry,
            outcome=view.outcome,
            summary=view.summary,
            citation=view.citation,
        )


@strawberry.type(description="An HQ, capability centre, regional HQ or subsidiary.")
class Unit(Node):
    name: str
    role: UnitRole
    country: str | None
    market: Market | None
    citation: str | None
    assumption: str | None = strawberry.field(
        description="What the seed adds that its source does not state."
    )
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

    @classmethod
    def from_view(cls, view: UnitView) -> "Unit":
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
            role=view.role,
            country=view.country,
            market=view.market,
            citation=view.citation,
            assumption=view.assumption,
            firm_id=view.firm,
            reports_to_id=view.reports_to,
        )


async def load_unit(info: Info, ref: UnitRef | str) -> Unit:
    """A full Unit for a reference, through the request's batched unit loader."""
    view = await info.context.units.load(ref if isinstance(ref, str) else ref.id)
    assert view is not None, f"unit {ref} vanished during the request"
    return Unit.from_view(view)


@strawberry.interface(description="A fact that runs from one unit to another.")
class UnitPair:
    source_id: strawberry.Private[str]
    target_id: strawberry.Private[str]

    @strawberry.field(name="from")
    async def source(self, info: Info) -> Unit:
        return await load_unit(info, self.source_id)

    @strawberry.field(name="to")
    async def target(self, info: Info) -> Unit:
        return await load_unit(info, self.target_id)


@strawberry.type(description="A capability the knowledge builds (Fu et al., Table 2).")
class Capability(Node):
    name: str
    channel: Channel
    citation: str | None

    @classmethod
    def from_view(cls, view: CapabilityView) -> "Capability":
        return cls(
            id=strawberry.ID(view.id), name=view.name, channel=view.channel, citation=view.citation
        )


@strawberry.type(description="A piece of knowledge: declarative (facts) or procedural (how).")
class Knowledge(Node):
    name: str
    kind: KnowledgeKind
    domain: str
    citation: str | None
    assumption: str | None
    capabilities: list[Capability]

    @classmethod
    def from_view(cls, view: KnowledgeView) -> "Knowledge":
        return cls(
            id=strawberry.ID(view.id),
            name=view.name,
            kind=view.kind,
            domain=view.domain,
            citation=view.citation,
            assumption=view.assumption,
            capabilities=[Capability.from_view(c) for c in view.capabilities],
        )


async def load_knowledge(info: Info, knowledge_id: str | None) -> Knowledge | None:
    """A Knowledge through the request's batched loader."""
    if knowledge_id is None:
        return None
    view = await info.context.knowledge.load(knowledge_id)
    return Knowledge.from_view(view) if view else None


@strawberry.type(description="Someone outside the firm: a learning source or a customer.")
class Actor(Node):
    name: str
    kind: ActorKind
    country: str | None

    @classmethod
    def from_view(cls, view: ActorView) -> "Actor":
        return cls(id=strawberry.ID(view.id), name=view.name, kind=view.kind, country=view.country)


@strawberry.type(description="Knowledge passed from one unit to another.")
class Flow:
    id: strawberry.ID
    direction: FlowDirection
    mode: FlowMode
    date: str | None = strawberry.field(description="YYYY, YYYY-MM or YYYY-MM-DD.")
    citation: str | None
    assumption: str | None
    recorded_at: datetime.datetime | None = strawberry.field(
        description="When it was recorded through the API (UTC); null for seeded facts."
    )
    knowledge_id: strawberry.Private[str | None]
    source_id: strawberry.Private[str | None]
    target_id: strawberry.Private[str | None]

    @strawberry.field(description="The knowledge item carried, when the source names it.")
    async def knowledge(self, info: Info) -> Knowledge | None:
        return await load_knowledge(info, self.knowledge_id)

    @strawberry.field(name="from", description="Where the knowledge came from.")
    async def source(self, info: Info) -> Unit | None:
        return await load_unit(info, self.source_id) if self.source_id else None

    @strawberry.field(name="to", description="Where the knowledge went.")
    async def target(self, info: Info) -> Unit | None:
        return await load_unit(info, self.target_id) if self.target_id else None

    @classmethod
    def from_view(cls, view: FlowView) -> "Flow":
        return cls(
            id=strawberry.ID(view.id),
            direction=view.direction,
            mode=view.mode,
            date=view.date,
            citation=view.citation,
            assumption=view.assumption,
            recorded_at=recorded(view.recorded_at),
            knowledge_id=view.knowledge,
            source_id=view.source.id if view.source else None,
            target_id=view.target.id if view.target else None,
        )


@strawberry.type
class Resource:
    id: strawberry.ID
    name: str
    kind: ResourceKind


@strawberry.type(description="The firm leveraged, renewed or released resources (Table 3).")
class IntegrationEvent:
    id: strawberry.ID
    step: IntegrationStep
    tier: IntegrationTier
    activity: ValueChainActivity | None
    renew_mode: RenewMode | None
    description: str
    mechanisms: list[SupportingMechanism]
    date: str | None
    until: str | None
    citation: str | None
    assumption: str | None
    recorded_at: datetime.datetime | None
    resources: list[Resource]
    sponsor_ids: strawberry.Private[Sequence[str]]
    beneficiary_ids: strawberry.Private[Sequence[str]]
    coordinator_id: strawberry.Private[str | None]
    knowledge_ids: strawberry.Private[Sequence[str]]

    @strawberry.field(
        description="The units whose resources or knowledge it draws on (Fu et al., Table 5: "
        "subsidiaries); empty where the source names none."
    )
    async def sponsors(self, info: Info) -> list[Unit]:
        return [await load_unit(info, unit_id) for unit_id in self.sponsor_ids]

    @strawberry.field(
        description="The units that gain from it (Table 5: subsidiaries); empty where the "
        "source names none."
    )
    async def beneficiaries(self, info: Info) -> list[Unit]:
        return [await load_unit(info, unit_id) for unit_id in self.beneficiary_ids]

    @strawberry.field(
        description="The HQ, capability centre or regional HQ that coordinates it (Table 5); "
        "null where the source names none."
    )
    async def coordinator(self, info: Info) -> Unit | None:
        return None if self.coordinator_id is None else await load_unit(info, self.coordinator_id)

    @strawberry.field(
        description="The first sponsor, or null when the source names none.",
        deprecation_reason="An event has several roles: use sponsors, beneficiaries and "
        "coordinator.",
    )
    async def unit(self, info: Info) -> Unit | None:
        return await load_unit(info, self.sponsor_ids[0]) if self.sponsor_ids else None

    @strawberry.field(description="The knowledge it used.")
    async def knowledge(self, info: Info) -> list[Knowledge]:
        views = await info.context.knowledge.load_many(list(self.knowledge_ids))
        return [Knowledge.from_view(view) for view in views if view is not None]

    @classmethod
    def from_view(cls, view: IntegrationEventView) -> "IntegrationEvent":
        return cls(
            id=strawberry.ID(view.id),
            step=view.step,
            tier=view.tier,
            activity=view.activity,
            renew_mode=view.renew_mode,
            description=view.description,
            mechanisms=list(view.mechanisms),
            date=view.date,
            until=view.until,
            citation=view.citation,
            assumption=view.assumption,
            recorded_at=recorded(view.recorded_at),
            resources=[
                Resource(id=strawberry.ID(r.id), name=r.name, kind=r.kind) for r in view.resources
            ],
            sponsor_ids=view.sponsors,
            beneficiary_ids=view.beneficiaries,
            coordinator_id=view.coordinator,
            knowledge_ids=view.knowledge,
        )


@strawberry.type(description="A unit learned knowledge from an outside source.")
class LearningEvent:
    id: strawberry.ID
    channel: Channel
    date: str | None
    citation: str | None
    assumption: str | None
    source: Actor
    unit_id: strawberry.Private[str]

    @strawberry.field(description="The unit that learned.")
    async def unit(self, info: Info) -> Unit:
        return await load_unit(info, self.unit_id)

    @classmethod
    def from_view(cls, view: LearningView) -> "LearningEvent":
        return cls(
            id=strawberry.ID(view.id),
            channel=view.channel,
            date=view.date,
            citation=view.citation,
            assumption=view.assumption,
            source=Actor.from_view(view.source),
            unit_id=view.unit.id,
        )


T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


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
    """A connection for one page; the store was asked for one row more than the page."""
    shown = list(items[: page.limit - 1])
    edges = [Edge(cursor=encode_cursor(page.skip + i), node=item) for i, item in enumerate(shown)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > len(shown), end_cursor=edges[-1].cursor if edges else None
        ),
        count=count,
    )
