"""Who passes knowledge on: hub metrics, support balance, project interdependence and
the provenance of capabilities."""

from collections import Counter

from pydantic import BaseModel, Field

from service import cypher
from service.cypher import Query
from service.model.enums import Channel, HubMetricOrder, SubsidiaryRole, UnitRole
from service.model.views import (
    KnowledgeView,
    LearningView,
    ProjectView,
    SupportView,
    UnitRef,
    UnitView,
)
from service.services.errors import InvalidArgument, NotFound
from service.services.network import get_firms_by_id, get_projects_by_id, list_units_paged
from service.services.paging import KeysetRequest, PageRequest
from service.store.cases import count_unit_metrics
from service.store.port import GraphStore, Row

METRICS = cypher.Folder("metrics")
TIERS = ("hq", "hub", "peer")  # the counterpart tiers flows are counted by
MAX_DATED_UNITS = 50_000
SUBSIDIARY_ROLES = (UnitRole.SUBSIDIARY, UnitRole.CORE_SUBSIDIARY)


class FlowCounts(BaseModel):
    hq: int = Field(description="With the HQ or its capability centre.")
    hub: int = Field(description="With a regional HQ.")
    peer: int = Field(description="With a subsidiary.")

    @property
    def total(self) -> int:
        """All flows, whatever the counterpart."""
        return self.hq + self.hub + self.peer


class HubMetric(BaseModel):
    inflow: FlowCounts
    outflow: FlowCounts
    brokerage: int = Field(
        description="Distinct pairs (a, b) with flows a -> unit -> b, a != b, and no direct "
        "flow a -> b."
    )
    subsidiary_role: SubsidiaryRole | None = Field(
        description="Subsidiaries only: high means at or above the threshold and above zero."
    )
    unit: UnitView


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
    rows = [
        row["totals"] for row in await store.read(METRICS.list_hub_role_totals, {"firm": firm_id})
    ]
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


def _hub_metric(
    unit: UnitView,
    inflow: FlowCounts,
    outflow: FlowCounts,
    brokerage: int,
    thresholds: HubThresholds,
) -> HubMetric:
    """A unit's metrics, with its G&G role when it is a subsidiary."""
    role = (
        classify_subsidiary(
            outflow=outflow.total,
            inflow=inflow.total,
            outflow_threshold=thresholds.outflow_threshold,
            inflow_threshold=thresholds.inflow_threshold,
        )
        if unit.role in SUBSIDIARY_ROLES
        else None
    )
    return HubMetric(
        unit=unit, inflow=inflow, outflow=outflow, brokerage=brokerage, subsidiary_role=role
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
        METRICS.list_hub_metrics,
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
        metrics.append(_hub_metric(unit, inflow, outflow, int(row["brokerage"]), thresholds))
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
    rows = await store.read(METRICS.list_support_balance, {"firm": firm_id})
    return [SupportPair.model_validate(row["pair"]) for row in rows]


async def get_project_interdependence(store: GraphStore, *, project_id: str) -> ProjectView:
    """A cross-border project's subsidiaries, their dependencies, and who coordinates."""
    project = (await get_projects_by_id(store, ids=[project_id])).get(project_id)
    if project is None:
        raise NotFound("project", project_id)
    return project


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
    found = await _read_one(store, METRICS.get_capability_provenance, "capability", capability_id)
    sources = [
        CapabilitySource(
            knowledge=KnowledgeView.model_validate(item["knowledge"]),
            learning=[LearningView.model_validate(e) for e in item["learning"] if e is not None],
        )
        for item in found["knowledge"]
    ]
    return CapabilityProvenance.model_validate(found["capability"] | {"sources": sources})


async def _read_one(store: GraphStore, statement: Query, kind: str, node_id: str) -> Row:
    """The one row a statement reads about the `kind` with this id (its parameter `kind`)."""
    rows = await store.read(statement, {kind: node_id})
    if not rows:
        raise NotFound(kind, node_id)
    return rows[0]


class DatedHubMetrics(BaseModel):
    """Every unit's hub metrics counted from the flows dated on or before a date."""

    thresholds: HubThresholds
    metrics: list[HubMetric]
    undated_excluded: int  # undated flows left out


async def count_hub_metrics_as_of(
    store: GraphStore, *, firm_id: str, as_of: str
) -> DatedHubMetrics:
    """A firm's hub metrics as of a date: only flows dated on or before it are counted."""
    page = await list_units_paged(
        store, firm=firm_id, role=None, country=None, page=KeysetRequest(MAX_DATED_UNITS)
    )
    units = page.items
    if not units and firm_id not in await get_firms_by_id(store, ids=[firm_id]):
        raise NotFound("firm", firm_id)
    if page.has_next:
        raise InvalidArgument(
            "asOf", f"'{firm_id}' has more than {MAX_DATED_UNITS:,} units to count again by date"
        )
    pairs = [
        row["pair"]
        for row in await store.read(METRICS.list_flow_pairs_as_of, {"firm": firm_id, "asOf": as_of})
    ]
    counted = count_unit_metrics(
        roles={u.id: u.role for u in units},
        pair_flows={(p["source"], p["target"]): int(p["flows"]) for p in pairs},
    )
    subsidiaries = [u for u in units if u.role in SUBSIDIARY_ROLES]
    share = max(len(subsidiaries), 1)
    thresholds = HubThresholds(
        firm=firm_id,
        outflow_threshold=sum(
            sum(counted[u.id][f"outflow_{tier}"] for tier in TIERS) for u in subsidiaries
        )
        / share,
        inflow_threshold=sum(
            sum(counted[u.id][f"inflow_{tier}"] for tier in TIERS) for u in subsidiaries
        )
        / share,
        units_by_role=dict(Counter(u.role for u in units)),
    )
    metrics = []
    for unit in units:
        values = counted[unit.id]
        inflow = FlowCounts(**{tier: values[f"inflow_{tier}"] for tier in TIERS})
        outflow = FlowCounts(**{tier: values[f"outflow_{tier}"] for tier in TIERS})
        metrics.append(_hub_metric(unit, inflow, outflow, values["brokerage"], thresholds))
    return DatedHubMetrics(
        thresholds=thresholds,
        metrics=metrics,
        undated_excluded=sum(int(p["undated"]) for p in pairs),
    )


def rank_hub_metrics(
    *,
    metrics: list[HubMetric],
    roles: list[UnitRole] | None,
    order: HubMetricOrder,
    page: PageRequest,
) -> list[HubMetric]:
    """A page of metrics counted in Python, in the order the metrics statement uses."""

    def rank(metric: HubMetric) -> int:
        if order is HubMetricOrder.BROKERAGE:
            return metric.brokerage
        if order is HubMetricOrder.OUTFLOW:
            return metric.outflow.total
        if order is HubMetricOrder.INFLOW:
            return metric.inflow.total
        return 0

    chosen = [m for m in metrics if roles is None or m.unit.role in roles]
    chosen.sort(key=lambda m: (-rank(m), m.unit.id))
    return chosen[page.skip : page.skip + page.limit]
