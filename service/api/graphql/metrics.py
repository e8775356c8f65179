"""GraphQL: hub metrics, support balance, project interdependence, capability provenance."""

import strawberry

from service.api.graphql.context import Info
from service.api.graphql.scalars import PartialDate
from service.api.graphql.types import (
    COMPUTED_PAGES,
    Actor,
    Capability,
    Connection,
    Knowledge,
    LearningEvent,
    Unit,
    UnitPair,
    load_unit,
    make_connection,
    position_page,
)
from service.model import enums
from service.model.enums import Interdependence, UnitRole
from service.services import metrics
from service.services.dating import parse_as_of

strawberry.enum(enums.HubMetricOrder, description="How hub metrics are sorted.")
strawberry.enum(
    enums.SubsidiaryRole,
    description="Gupta & Govindarajan: GLOBAL_INNOVATOR (high outflow, low inflow), "
    "INTEGRATED_PLAYER (high, high), IMPLEMENTOR (low, high), LOCAL_INNOVATOR (low, low).",
)


@strawberry.type(description="Flows counted by the counterpart's tier.")
class FlowCounts:
    hq: int = strawberry.field(description="With the HQ or its capability centre.")
    hub: int = strawberry.field(description="With a regional HQ.")
    peer: int = strawberry.field(description="With a subsidiary.")
    total: int


@strawberry.type
class HubMetric:
    inflow: FlowCounts
    outflow: FlowCounts
    brokerage: int = strawberry.field(
        description=(
            "Distinct pairs (a, b) with flows a -> unit -> b, a != b, and no direct flow a -> b."
        )
    )
    subsidiary_role: enums.SubsidiaryRole | None = strawberry.field(
        description="Subsidiaries only: high means at or above the threshold and above zero."
    )
    # A plain field: the metrics statement returns each unit whole, and an awaited resolver
    # per unit cost more than the rest of a ten-thousand-unit answer.
    unit: Unit


@strawberry.type
class HubMetrics:
    thresholds: strawberry.Private[metrics.HubThresholds]
    dated: strawberry.Private[metrics.DatedHubMetrics | None] = None

    @strawberry.field(description="With asOf: the undated flows left out (0 without).")
    def undated_excluded(self) -> int:
        return self.dated.undated_excluded if self.dated else 0

    @strawberry.field(description="Mean total outflow over the firm's subsidiaries.")
    def outflow_threshold(self) -> float:
        return self.thresholds.outflow_threshold

    @strawberry.field(description="Mean total inflow over the firm's subsidiaries.")
    def inflow_threshold(self) -> float:
        return self.thresholds.inflow_threshold

    # A page, not a list: a firm of ten thousand units made a 1.3 MB answer whose
    # serialisation alone took over a second.
    @strawberry.field(
        description="The firm's units (of `roles`, or all), a page at a time; orderBy UNIT "
        "sorts by id, the others largest first. totalCount costs no extra query." + COMPUTED_PAGES
    )
    async def units(
        self,
        info: Info,
        roles: list[UnitRole] | None = None,
        order_by: enums.HubMetricOrder = enums.HubMetricOrder.UNIT,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[HubMetric]:
        async def count() -> int:
            return self.thresholds.count_units(roles)

        page = await position_page(info, count, first=first, after=after, last=last, before=before)
        if self.dated is not None:
            found = metrics.rank_hub_metrics(
                metrics=self.dated.metrics, roles=roles, order=order_by, page=page
            )
        else:
            found = await metrics.list_hub_metrics(
                info.context.store,
                thresholds=self.thresholds,
                roles=roles,
                order=order_by,
                page=page,
            )
        return make_connection([hub_metric_of(m) for m in found], page, count)


def hub_metric_of(metric: metrics.HubMetric) -> HubMetric:
    return HubMetric(
        inflow=counts_of(metric.inflow),
        outflow=counts_of(metric.outflow),
        brokerage=metric.brokerage,
        subsidiary_role=metric.subsidiary_role,
        unit=Unit.from_view(metric.unit),
    )


def counts_of(counts: metrics.FlowCounts) -> FlowCounts:
    return FlowCounts(hq=counts.hq, hub=counts.hub, peer=counts.peer, total=counts.total)


@strawberry.type(description="Support one unit gave another, and how much came back.")
class SupportPair(UnitPair):
    given: int
    returned: int
    reciprocity: float = strawberry.field(description="returned / given, at most 1.")
    one_way: bool = strawberry.field(description="Given and never returned.")


@strawberry.type
class ProjectMember:
    part: str | None
    unit_id: strawberry.Private[str]

    @strawberry.field
    async def unit(self, info: Info) -> Unit:
        return await load_unit(info, self.unit_id)


@strawberry.type(description="One unit needs another's part of the project first.")
class ProjectDependency(UnitPair):
    kind: Interdependence


@strawberry.type(description="A cross-border customer project (Sartorius-Khalapsina).")
class ProjectInterdependence:
    id: strawberry.ID
    name: str
    country: str | None
    interdependence: Interdependence
    citation: str | None
    assumption: str | None
    customer: Actor | None
    third_actors: list[Actor]
    units: list[ProjectMember]
    dependencies: list[ProjectDependency]
    coordinated_by_hq: bool | None = strawberry.field(
        description="True: the corporate HQ coordinates; false: a core subsidiary does."
    )
    coordinator_id: strawberry.Private[str | None]

    @strawberry.field
    async def coordinator(self, info: Info) -> Unit | None:
        return await load_unit(info, self.coordinator_id) if self.coordinator_id else None


@strawberry.type
class CapabilitySource:
    knowledge: Knowledge
    learned: list[LearningEvent]


@strawberry.type(description="Which sources and units fed a capability, through which knowledge.")
class CapabilityProvenance:
    capability: Capability
    sources: list[CapabilitySource]


@strawberry.type
class MetricsQuery:
    @strawberry.field(
        description="Per unit: knowledge inflow and outflow by counterpart, "
        "brokerage, and a subsidiary's Gupta & Govindarajan role. asOf (YYYY, YYYY-MM or "
        "YYYY-MM-DD) counts only the flows dated on or before it (slower: every flow is read)."
    )
    async def hub_metrics(
        self, info: Info, firm: strawberry.ID, as_of: PartialDate | None = None
    ) -> HubMetrics | None:
        date = parse_as_of(value=as_of)
        if date is not None:
            dated = await metrics.count_hub_metrics_as_of(
                info.context.store, firm_id=str(firm), as_of=date
            )
            return HubMetrics(thresholds=dated.thresholds, dated=dated)
        thresholds = await metrics.get_hub_thresholds(info.context.store, firm_id=str(firm))
        return HubMetrics(thresholds=thresholds)

    @strawberry.field(
        description="Directed support between a firm's units and how "
        "reciprocal it is; oneWay flags support never returned."
    )
    async def support_balance(self, info: Info, firm: strawberry.ID) -> list[SupportPair] | None:
        pairs = await metrics.list_support_balance(info.context.store, firm_id=str(firm))
        return [
            SupportPair(
                given=p.given,
                returned=p.returned,
                reciprocity=p.reciprocity,
                one_way=p.one_way,
                source_id=p.source.id,
                target_id=p.target.id,
            )
            for p in pairs
        ]

    @strawberry.field(
        description="A cross-border project: its subsidiaries, how they "
        "depend on each other, and who coordinates."
    )
    async def project_interdependence(
        self, info: Info, project: strawberry.ID
    ) -> ProjectInterdependence | None:
        p = await metrics.get_project_interdependence(info.context.store, project_id=str(project))
        return ProjectInterdependence(
            id=strawberry.ID(p.id),
            name=p.name,
            country=p.country,
            interdependence=p.interdependence,
            citation=p.citation,
            assumption=p.assumption,
            customer=Actor.from_view(p.customer) if p.customer else None,
            third_actors=[Actor.from_view(a) for a in p.third_actors],
            units=[ProjectMember(part=m.part, unit_id=m.unit.id) for m in p.units],
            dependencies=[
                ProjectDependency(kind=d.kind, source_id=d.source, target_id=d.target)
                for d in p.dependencies
            ],
            coordinated_by_hq=p.coordinated_by_hq,
            coordinator_id=p.coordinator.id if p.coordinator else None,
        )

    @strawberry.field(description="The learning sources and units that fed a capability.")
    async def capability_provenance(
        self, info: Info, capability: strawberry.ID
    ) -> CapabilityProvenance | None:
        c = await metrics.get_capability_provenance(
            info.context.store, capability_id=str(capability)
        )
        return CapabilityProvenance(
            capability=Capability.from_view(c),
            sources=[
                CapabilitySource(
                    knowledge=Knowledge.from_view(s.knowledge),
                    learned=[LearningEvent.from_view(e) for e in s.learning],
                )
                for s in c.sources
            ],
        )
