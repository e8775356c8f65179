"""Who passes knowledge on: hub metrics, support balance, project interdependence and
the provenance of capabilities."""

from enum import StrEnum

from pydantic import BaseModel

from service import cypher
from service.model.enums import Channel, Interdependence, UnitRole
from service.model.views import (
    ActorView,
    KnowledgeView,
    LearningView,
    SupportView,
    UnitRef,
    UnitView,
)
from service.services.errors import NotFound
from service.services.network import get_firms_by_id
from service.services.paging import PageRequest
from service.store.port import GraphStore

LIST_HUB_ROLE_TOTALS = cypher.load("metrics/list_hub_role_totals")
LIST_HUB_METRICS = cypher.load("metrics/list_hub_metrics")
LIST_SUPPORT_BALANCE = cypher.load("metrics/list_support_balance")
GET_PROJECT_INTERDEPENDENCE = cypher.load("metrics/get_project_interdependence")
GET_CAPABILITY_PROVENANCE = cypher.load("metrics/get_capability_provenance")
SUBSIDIARY_ROLES = (UnitRole.SUBSIDIARY, UnitRole.CORE_SUBSIDIARY)


class SubsidiaryRole(StrEnum):
    """Gupta & Govindarajan's four subsidiary roles, by knowledge outflow and inflow."""

    GLOBAL_INNOVATOR = "global_innovator"  # high outflow, low inflow
    INTEGRATED_PLAYER = "integrated_player"  # high outflow, high inflow
    IMPLEMENTOR = "implementor"  # low outflow, high inflow
    LOCAL_INNOVATOR = "local_innovator"  # low outflow, low inflow


class FlowCounts(BaseModel):
    hq: int
    hub: int
    peer: int

    @property
    def total(self) -> int:
        """All flows, whatever the counterpart."""
        return self.hq + self.hub + self.peer


class HubMetric(BaseModel):
    unit: UnitView
    inflow: FlowCounts
    outflow: FlowCounts
    brokerage: int
    subsidiary_role: SubsidiaryRole | None


class HubMetricOrder(StrEnum):
    UNIT = "unit"  # by id
    BROKERAGE = "brokerage"  # largest first, then by id
    OUTFLOW = "outflow"
    INFLOW = "inflow"


class HubThresholds(BaseModel):
    firm: str
    outflow_threshold: float
    inflow_threshold: float
    units_by_role: dict[UnitRole, int]

    def count_units(self, roles: list[UnitRole] | None) -> int:
        """How many of the firm's units have one of these roles (any role: None)."""
        return sum(n for role, n in self.units_by_role.items() if roles is None or role in roles)


def classify_subsidiary(
    *, outflow: int, inflow: int, outflow_threshold: float, inflow_threshold: float
) -> SubsidiaryRole:
    """The Gupta & Govindarajan role: a flow is high when at or above its threshold and > 0."""
    high_out = outflow > 0 and outflow >= outflow_threshold
    high_in = inflow > 0 and inflow >= inflow_threshold
    if high_out:
        return SubsidiaryRole.INTEGRATED_PLAYER if high_in else SubsidiaryRole.GLOBAL_INNOVATOR
    return SubsidiaryRole.IMPLEMENTOR if high_in else SubsidiaryRole.LOCAL_INNOVATOR


async def get_hub_thresholds(store: GraphStore, *, firm_id: str) -> HubThresholds:
    """The mean total outflow and inflow over a firm's subsidiaries, and its units by role."""
    rows = [row["totals"] for row in await store.read(LIST_HUB_ROLE_TOTALS, {"firm": firm_id})]
    if not rows and firm_id not in await get_firms_by_id(store, ids=[firm_id]):
        raise NotFound("firm", firm_id)
    subsidiaries = [row for row in rows if row["role"] in SUBSIDIARY_ROLES]
    count = max(sum(row["units"] for row in subsidiaries), 1)
    return HubThresholds(
        firm=firm_id,
        outflow_threshold=sum(row["outflow"] for row in subsidiaries) / count,
        inflow_threshold=sum(row["inflow"] for row in subsidiaries) / count,
        units_by_role={UnitRole(row["role"]): row["units"] for row in rows},
    )


async def list_hub_metrics(
    store: GraphStore,
    *,
    thresholds: HubThresholds,
    roles: list[UnitRole] | None,
    order: HubMetricOrder,
    page: PageRequest,
) -> list[HubMetric]:
    """A page of a firm's units: flows in and out, brokerage, and a subsidiary's G&G role."""
    rows = await store.read(
        LIST_HUB_METRICS,
        {
            "firm": thresholds.firm,
            "roles": [role.value for role in roles] if roles is not None else None,
            "orderBy": order.value,
            "skip": page.skip,
            "limit": page.limit,
        },
    )
    metrics = []
    for row in (row["unit"] for row in rows):
        unit = UnitView.model_validate(row)
        inflow = FlowCounts(hq=row["inflowHq"], hub=row["inflowHub"], peer=row["inflowPeer"])
        outflow = FlowCounts(hq=row["outflowHq"], hub=row["outflowHub"], peer=row["outflowPeer"])
        metrics.append(
            HubMetric(
                unit=unit,
                inflow=inflow,
                outflow=outflow,
                brokerage=int(row["brokerage"]),
                subsidiary_role=classify_subsidiary(
                    outflow=outflow.total,
                    inflow=inflow.total,
                    outflow_threshold=thresholds.outflow_threshold,
                    inflow_threshold=thresholds.inflow_threshold,
                )
                if unit.role in SUBSIDIARY_ROLES
                else None,
            )
        )
    return metrics


class SupportPair(BaseModel):
    source: UnitRef
    target: UnitRef
    given: int
    returned: int
    support: list[SupportView]

    @property
    def reciprocity(self) -> float:
        """Returned over given, capped at 1: 0 is one-way, 1 is fully mutual."""
        return min(self.returned / self.given, 1.0) if self.given else 0.0

    @property
    def one_way(self) -> bool:
        """Support given and never returned (Sartorius-Khalapsina's Table 4)."""
        return self.returned == 0


async def list_support_balance(store: GraphStore, *, firm_id: str) -> list[SupportPair]:
    """Directed support between a firm's units and how much of it came back."""
    if firm_id not in await get_firms_by_id(store, ids=[firm_id]):
        raise NotFound("firm", firm_id)
    rows = await store.read(LIST_SUPPORT_BALANCE, {"firm": firm_id})
    return [SupportPair.model_validate(row["pair"]) for row in rows]


class ProjectMember(BaseModel):
    unit: UnitRef
    part: str | None


class ProjectDependency(BaseModel):
    source: str
    target: str
    kind: Interdependence


class ProjectInterdependence(BaseModel):
    id: str
    name: str
    country: str | None
    interdependence: Interdependence
    firm: str
    citation: str | None
    assumption: str | None
    customer: ActorView | None
    coordinator: UnitRef | None
    third_actors: list[ActorView]
    units: list[ProjectMember]
    dependencies: list[ProjectDependency]

    @property
    def coordinated_by_hq(self) -> bool | None:
        """True when the corporate HQ coordinates, False for a delegated core subsidiary."""
        return None if self.coordinator is None else self.coordinator.role is UnitRole.HQ


async def get_project_interdependence(
    store: GraphStore, *, project_id: str
) -> ProjectInterdependence:
    """A cross-border project's subsidiaries, their dependencies, and who coordinates."""
    rows = await store.read(GET_PROJECT_INTERDEPENDENCE, {"project": project_id})
    if not rows:
        raise NotFound("project", project_id)
    project = rows[0]["project"]
    return ProjectInterdependence.model_validate(project | {"third_actors": project["thirdActors"]})


class CapabilitySource(BaseModel):
    knowledge: KnowledgeView
    learning: list[LearningView]


class CapabilityProvenance(BaseModel):
    id: str
    name: str
    channel: Channel
    firm: str
    citation: str | None
    assumption: str | None
    sources: list[CapabilitySource]


async def get_capability_provenance(
    store: GraphStore, *, capability_id: str
) -> CapabilityProvenance:
    """The knowledge that built a capability, and who learned it from whom."""
    rows = await store.read(GET_CAPABILITY_PROVENANCE, {"capability": capability_id})
    if not rows:
        raise NotFound("capability", capability_id)
    sources = [
        CapabilitySource(
            knowledge=KnowledgeView.model_validate(item["knowledge"]),
            learning=[LearningView.model_validate(e) for e in item["learning"] if e is not None],
        )
        for item in rows[0]["knowledge"]
    ]
    return CapabilityProvenance.model_validate(rows[0]["capability"] | {"sources": sources})
