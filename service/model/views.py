"""What the read use cases return: each query row is a map shaped like one of these."""

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.model.enums import (
    ActorKind,
    Advantage,
    Channel,
    FlowDirection,
    FlowMode,
    IntegrationStep,
    IntegrationTier,
    KnowledgeKind,
    Market,
    Outcome,
    Perspective,
    RenewMode,
    ResourceKind,
    SupportingMechanism,
    UnitRole,
    ValueChainActivity,
)


class View(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class FirmView(View):
    id: str
    name: str
    case: str | None = None
    home_country: str | None = None
    industry: str | None = None
    outcome: Outcome | None = None
    summary: str | None = None
    citation: str | None = None
    assumption: str | None = None


class UnitView(View):
    id: str
    name: str
    role: UnitRole
    country: str | None = None
    market: Market | None = None
    firm: str
    citation: str | None = None
    assumption: str | None = Field(
        default=None, description="What the seed adds that its source does not state."
    )
    reports_to: str | None = Field(default=None, alias="reportsTo")


class CapabilityView(View):
    id: str
    name: str
    channel: Channel
    citation: str | None = None


class KnowledgeView(View):
    id: str
    name: str
    kind: KnowledgeKind
    domain: str
    firm: str
    citation: str | None = None
    assumption: str | None = None
    capabilities: tuple[CapabilityView, ...] = ()


class ActorView(View):
    id: str
    name: str
    kind: ActorKind
    country: str | None = None


class UnitRef(View):
    id: str
    name: str
    role: UnitRole
    country: str | None = None
    firm: str


class FlowView(View):
    """A flow as every statement returns it: its own fields and its two units' ids."""

    id: str
    direction: FlowDirection
    mode: FlowMode
    knowledge: str | None = None
    date: str | None = Field(default=None, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    citation: str | None = None
    assumption: str | None = None
    recorded_at: int | None = None
    source: str
    target: str


class ResourceView(View):
    id: str
    name: str
    kind: ResourceKind


class IntegrationEventView(View):
    id: str
    step: IntegrationStep
    tier: IntegrationTier
    activity: ValueChainActivity | None = None
    renew_mode: RenewMode | None = None
    description: str
    mechanisms: tuple[SupportingMechanism, ...] = ()
    date: str | None = None
    until: str | None = None
    firm: str
    citation: str | None = None
    assumption: str | None = None
    recorded_at: int | None = None
    sponsors: tuple[str, ...] = ()
    beneficiaries: tuple[str, ...] = ()
    coordinator: str | None = None
    knowledge: tuple[str, ...] = ()
    resources: tuple[ResourceView, ...] = ()

    @field_validator("sponsors", "beneficiaries", mode="after")
    @classmethod
    def _in_id_order(cls, units: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(units))


class LearningView(View):
    id: str
    channel: Channel
    date: str | None = None
    citation: str | None = None
    assumption: str | None = None
    unit: UnitRef
    source: ActorView


class SupportView(View):
    id: str
    project: str | None = None
    description: str | None = None
    date: str | None = None
    citation: str | None = None
    assumption: str | None = None


class CustomerManagementView(View):
    id: str
    perspective: Perspective
    manager: str | None = None
    description: str | None = None
    value_focus: str | None = None
    value_identification: str | None = None
    value_specification: str | None = None
    value_realization: str | None = None
    risk_focus: str | None = None
    risk_assessment: str | None = None
    risk_reduction: str | None = None
    advantages: tuple[Advantage, ...] = ()
    customer: ActorView
    firm: str
    citation: str | None = None
    assumption: str | None = None
    unit: str
