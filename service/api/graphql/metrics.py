"""GraphQL: hub metrics, support balance, project interdependence, capability provenance."""

import strawberry

from service.api.graphql.arguments import Paging, grouped
from service.api.graphql.context import Info
from service.api.graphql.derive import Derived, fields_of
from service.api.graphql.scalars import PartialDate
from service.api.graphql.types import (
    COMPUTED_PAGES,
    Capability,
    Connection,
    Knowledge,
    LearningEvent,
    Node,
    Unit,
    UnitPair,
    make_connection,
    optional_unit_field,
    shows_unit,
)
from service.model import enums, views
from service.model.enums import UnitRole
from service.services import metrics
from service.services.dating import parse_as_of

strawberry.enum(enums.HubMetricOrder, description="How hub metrics are sorted.")
strawberry.enum(
    enums.SubsidiaryRole,
    description="Gupta & Govindarajan: GLOBAL_INNOVATOR (high outflow, low inflow), "
    "INTEGRATED_PLAYER (high, high), IMPLEMENTOR (low, high), LOCAL_INNOVATOR (low, low).",
)


@strawberry.type(description="Flows counted by the counterpart's tier.")
@fields_of(metrics.FlowCounts)
class FlowCounts(Derived):
    total: int

    @classmethod
    def from_view(cls, view: metrics.FlowCounts) -> "FlowCounts":
        return cls.from_model(view, total=view.total)


@strawberry.type
@fields_of(metrics.HubMetric)
class HubMetric(Derived):
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
    @grouped
    async def units(
        self,
        info: Info,
        roles: list[UnitRole] | None = None,
        order_by: enums.HubMetricOrder = enums.HubMetricOrder.UNIT,
        paging: Paging = Paging(),
    ) -> Connection[HubMetric]:
        async def count() -> int:
            return self.thresholds.count_units(roles)

        page = await paging.position(info, count)
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
        return make_connection([HubMetric.from_model(m) for m in found], page, count)


@strawberry.type(description="Support one unit gave another, and how much came back.")
@fields_of(metrics.SupportPair, skip={"source", "target", "support"})
class SupportPair(UnitPair, Derived):
    reciprocity: float = strawberry.field(description="returned / given, at most 1.")
    one_way: bool = strawberry.field(description="Given and never returned.")

    @classmethod
    def from_view(cls, view: metrics.SupportPair) -> "SupportPair":
        return cls.from_model(
            view,
            reciprocity=view.reciprocity,
            one_way=view.one_way,
            source_id=view.source.id,
            target_id=view.target.id,
        )


@strawberry.type
@fields_of(views.ProjectMemberView)
@shows_unit
class ProjectMember(Derived):
    pass


@strawberry.type(description="One unit needs another's part of the project first.")
@fields_of(views.ProjectDependencyView, skip={"source", "target"})
class ProjectDependency(UnitPair, Derived):
    @classmethod
    def from_view(cls, view: views.ProjectDependencyView) -> "ProjectDependency":
        return cls.from_model(view, source_id=view.source, target_id=view.target)


@strawberry.type(description="A cross-border customer project (Sartorius-Khalapsina).")
@fields_of(views.ProjectView, skip={"firm"})
class ProjectInterdependence(Node, Derived):
    coordinated_by_hq: bool | None = strawberry.field(
        description="True: the corporate HQ coordinates; false: a core subsidiary does."
    )
    coordinator_id: strawberry.Private[str | None]

    coordinator = optional_unit_field("coordinator_id")

    @classmethod
    def from_view(cls, view: views.ProjectView) -> "ProjectInterdependence":
        return cls.from_model(
            view,
            coordinated_by_hq=view.coordinated_by_hq,
            coordinator_id=view.coordinator.id if view.coordinator else None,
        )


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
        return [SupportPair.from_view(p) for p in pairs]

    @strawberry.field(
        description="A cross-border project: its subsidiaries, how they "
        "depend on each other, and who coordinates."
    )
    async def project_interdependence(
        self, info: Info, project: strawberry.ID
    ) -> ProjectInterdependence | None:
        p = await metrics.get_project_interdependence(info.context.store, project_id=str(project))
        return ProjectInterdependence.from_view(p)

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
