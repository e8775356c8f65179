"""What the read use cases return: each query row is a map shaped like one of these."""

import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from service.model.case import (
    ActorFields,
    CapabilityFields,
    CustomerManagementFields,
    FirmFields,
    FlowFields,
    IntegrationEventFields,
    KnowledgeFields,
    ProjectFields,
    ResourceFields,
    SupportFields,
    UnitFields,
)
from service.model.enums import (
    Channel,
    Interdependence,
    UnitRole,
)


def _instant(value: Any) -> Any:
    """An epoch-milliseconds instant (as the graph stores it) as an aware UTC datetime."""
    if isinstance(value, int):
        return datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    return value


# When a record came in through the API; the graph keeps epoch milliseconds.
RecordedAt = Annotated[datetime.datetime, BeforeValidator(_instant)]


class View(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


class Cited(BaseModel):
    """A fact's citation as the graph keeps it (one line), and what it assumes beyond it."""

    citation: str | None = None
    assumption: str | None = None


class FirmView(FirmFields, View):
    case: str | None = None
    citation: str | None = None
    assumption: str | None = None


class UnitView(UnitFields, View):
    firm: str
    citation: str | None = None
    assumption: str | None = Field(
        default=None, description="What the seed adds that its source does not state."
    )
    reports_to: str | None = Field(default=None, alias="reportsTo")


class CapabilityView(CapabilityFields, View):
    citation: str | None = None


class KnowledgeView(KnowledgeFields, View):
    firm: str
    citation: str | None = None
    assumption: str | None = None
    capabilities: tuple[CapabilityView, ...] = ()


class ActorView(ActorFields, View):
    pass


class UnitRef(View):
    id: str
    name: str
    role: UnitRole
    country: str | None = None
    firm: str


class ProjectMemberView(View):
    unit: UnitRef
    part: str | None


class ProjectDependencyView(View):
    source: str
    target: str
    kind: Interdependence


class ProjectView(ProjectFields, View):
    interdependence: Interdependence
    firm: str
    citation: str | None
    assumption: str | None
    customer: ActorView | None
    coordinator: UnitRef | None
    third_actors: list[ActorView] = Field(alias="thirdActors")
    units: list[ProjectMemberView]
    dependencies: list[ProjectDependencyView]

    @property
    def coordinated_by_hq(self) -> bool | None:
        """True when the corporate HQ coordinates, False for a delegated core subsidiary."""
        return None if self.coordinator is None else self.coordinator.role is UnitRole.HQ


class FlowView(Cited, FlowFields, View):
    """A flow as every statement returns it: its own fields and its two units' ids."""

    recorded_at: RecordedAt | None = None
    source: str
    target: str


class ResourceView(ResourceFields, View):
    pass


class IntegrationEventView(Cited, IntegrationEventFields, View):
    firm: str
    recorded_at: RecordedAt | None = None
    # The record names its resources by id; the view reads each one whole.
    resources: tuple[ResourceView, ...] = ()  # type: ignore[assignment]

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


class SupportView(Cited, SupportFields, View):
    pass


class CustomerManagementView(CustomerManagementFields, View):
    customer: ActorView
    firm: str
    citation: str | None = None
    assumption: str | None = None
    unit: str
