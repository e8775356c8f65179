"""A case file: one firm's knowledge-sharing network, every fact with its citation.

The same models validate seed files, imports and API writes, so a rule of the model
(flows go between units of one firm, an upward flow goes up, a release names a held
resource) holds whichever door the data came in by.
"""

import functools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from service.model.enums import (
    CHANNEL_OF_SOURCE,
    PAPER_TITLES,
    ROLE_LEVEL,
    ActorKind,
    ActorLinkKind,
    Advantage,
    BuyingMode,
    Channel,
    FlowDirection,
    FlowMode,
    IntegrationStep,
    IntegrationTier,
    Interdependence,
    KnowledgeKind,
    Market,
    Outcome,
    Paper,
    Perspective,
    Rating,
    RenewMode,
    ResourceKind,
    SupportingMechanism,
    TensionKind,
    UnitRole,
    ValueChainActivity,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,127}$"
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _check_partial_date(value: str) -> str:
    match = _PARTIAL_DATE.match(value)
    if match is None:
        raise PydanticCustomError(
            "partial_date",
            "'{value}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD",
            {"value": value},
        )
    year, month, day = match.groups()
    if not 1800 <= int(year) <= 2100:
        raise PydanticCustomError(
            "partial_date", "year {year} is out of range 1800-2100", {"year": year}
        )
    if month is not None and not 1 <= int(month) <= 12:
        raise PydanticCustomError("partial_date", "month {month} does not exist", {"month": month})
    if day is not None:
        import datetime

        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise PydanticCustomError(
                "partial_date",
                "day {day} does not exist in {ym}",
                {"day": day, "ym": f"{year}-{month}"},
            ) from None
    return value


Id = Annotated[str, Field(pattern=ID_PATTERN, description="Stable lowercase identifier.")]
# Dates are kept at the precision the source gives (a year, a month or a day) so that the
# graph never claims a day the paper does not state; ISO strings of mixed precision still
# sort in time order.
PartialDate = Annotated[
    str,
    # Cached: a large case repeats the same few thousand dates a million times.
    AfterValidator(functools.lru_cache(maxsize=65536)(_check_partial_date)),
    Field(description="YYYY, YYYY-MM or YYYY-MM-DD, at the precision the source gives."),
]


def _check_text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("text", "text cannot contain a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("text", "text is not valid Unicode (a lone surrogate)") from None
    return value


Text = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_check_text)]
Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_check_text)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Citation(Strict):
    """Where in which paper a fact comes from."""

    paper: Paper
    where: Annotated[
        str,
        Field(
            min_length=1, max_length=200, description="Table, figure or section, e.g. 'Table 3'."
        ),
        AfterValidator(_check_text),
    ]

    def render(self) -> str:
        """The citation as one line, e.g. 'Fu, Sun & Ghauri (2018), Table 3'."""
        return f"{PAPER_TITLES[self.paper]}, {self.where}"


class Fact(Strict):
    """Anything seeded: it carries its citation, and says what it assumes beyond it."""

    cite: Citation
    assumption: Text | None = Field(
        default=None,
        description="What this record adds that the source does not state, and why.",
    )
    recorded_at: int | None = Field(
        default=None,
        ge=0,
        description="Set by kflow (epoch milliseconds) when the record came in through the "
        "API; leave it out of seed files.",
    )


# An entity's own fields are declared once, in a base the case record (with its citation and
# references) and the view the read use cases return (`service.model.views`) both extend.
class FirmFields(BaseModel):
    id: Id
    name: Name
    home_country: Name
    industry: Name | None = None
    outcome: Outcome | None = None
    summary: Text | None = None


class Firm(FirmFields, Fact):
    pass


class UnitFields(BaseModel):
    id: Id
    name: Name
    role: UnitRole
    country: Name | None = None
    market: Market | None = None


class Unit(UnitFields, Fact):
    reports_to: Id | None = None


class ActorFields(BaseModel):
    id: Id
    name: Name
    kind: ActorKind
    country: Name | None = None


class Actor(ActorFields, Fact):
    """Someone outside the firm: a learning source or a member of the customer network."""

    buying: BuyingMode | None = None


class Link(Fact):
    """A record from one record to another: `from` and `to` in files and the API."""

    id: Id
    source: Id = Field(alias="from")
    target: Id = Field(alias="to")

    model_config = ConfigDict(populate_by_name=True)


class ActorLink(Link):
    kind: ActorLinkKind
    date: PartialDate | None = None


class CapabilityFields(BaseModel):
    id: Id
    name: Name
    channel: Channel


class Capability(CapabilityFields, Fact):
    pass


class KnowledgeFields(BaseModel):
    id: Id
    name: Name
    kind: KnowledgeKind
    domain: Name


class Knowledge(KnowledgeFields, Fact):
    builds: tuple[Id, ...] = ()


class LearningEvent(Fact):
    """A unit learned knowledge from an outside source through one of the three channels."""

    id: Id
    unit: Id
    source: Id
    channel: Channel
    knowledge: tuple[Id, ...] = Field(min_length=1)
    date: PartialDate | None = None


class FlowFields(BaseModel):
    id: Id
    direction: FlowDirection
    mode: FlowMode
    knowledge: Id | None = None
    date: PartialDate | None = None


class Flow(FlowFields, Link):
    """Knowledge passed from one unit to another (Figure 1's solid and dotted lines)."""


class ResourceFields(BaseModel):
    id: Id
    name: Name
    kind: ResourceKind


class Resource(ResourceFields, Fact):
    held_by: Id


class IntegrationEventFields(BaseModel):
    id: Id
    step: IntegrationStep
    tier: IntegrationTier
    activity: ValueChainActivity | None = None
    renew_mode: RenewMode | None = None
    sponsors: tuple[Id, ...] = Field(
        default=(), description="Units whose resources or knowledge the event draws on."
    )
    beneficiaries: tuple[Id, ...] = Field(
        default=(), description="Units that gain from the event (use the result)."
    )
    coordinator: Id | None = Field(
        default=None, description="The HQ, capability centre or regional HQ that coordinates it."
    )
    description: Text
    knowledge: tuple[Id, ...] = ()
    resources: tuple[Id, ...] = ()
    mechanisms: tuple[SupportingMechanism, ...] = ()
    date: PartialDate | None = None
    until: PartialDate | None = None


class IntegrationEvent(IntegrationEventFields, Fact):
    """The firm leveraged, renewed or released resources (Table 3).

    Fu et al.'s Table 5 gives integration its roles: subsidiaries sponsor it and benefit
    from it, the (regional) headquarters coordinates it. Each role is left empty where the
    source names no unit for it, rather than defaulting to the HQ.
    """

    def roles(self) -> list[tuple[str, str]]:
        """The event's (role, unit) pairs: each sponsor, each beneficiary, the coordinator."""
        return [
            *(("sponsor", unit_id) for unit_id in self.sponsors),
            *(("beneficiary", unit_id) for unit_id in self.beneficiaries),
            *([("coordinator", self.coordinator)] if self.coordinator else []),
        ]

    @model_validator(mode="after")
    def _check_shape(self) -> Self:
        if self.tier is IntegrationTier.HIGH and self.activity is not None:
            raise PydanticCustomError(
                "tier_activity",
                "a high-tier integration is cross-functional: it has no single value-chain "
                "activity (drop 'activity' or make the tier low)",
            )
        if self.renew_mode is not None and self.step is not IntegrationStep.RENEW:
            raise PydanticCustomError(
                "renew_mode",
                "renew_mode applies only to the renew step, not {step}",
                {"step": self.step.value},
            )
        if self.step is IntegrationStep.RELEASE and not self.resources:
            raise PydanticCustomError(
                "release_resources", "a release must name the resource(s) the firm lets go"
            )
        if self.date is not None and self.until is not None and self.until < self.date:
            raise PydanticCustomError(
                "period",
                "the period ends ({until}) before it starts ({date})",
                {"until": self.until, "date": self.date},
            )
        return self


class ProjectUnit(Strict):
    unit: Id
    part: Text | None = None


class Dependency(Strict):
    """One subsidiary needs another's part of the project done first (or both need each other)."""

    source: Id = Field(alias="from")
    target: Id = Field(alias="to")
    kind: Interdependence

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class ProjectFields(BaseModel):
    id: Id
    name: Name
    country: Name | None = None


class Project(ProjectFields, Fact):
    """A cross-border customer project of the dual network (Sartorius-Khalapsina)."""

    customer: Id | None = None
    third_actors: tuple[Id, ...] = ()
    interdependence: Interdependence
    coordinator: Id | None = None
    units: tuple[ProjectUnit, ...] = Field(min_length=1)
    dependencies: tuple[Dependency, ...] = ()


class SupportFields(BaseModel):
    id: Id
    project: Id | None = None
    description: Text | None = None
    date: PartialDate | None = None


class Support(SupportFields, Link):
    """One subsidiary helped another sell or deliver (given, not necessarily returned)."""


class Tension(Fact):
    id: Id
    kind: TensionKind
    description: Text
    units: tuple[Id, ...] = ()


class CustomerManagementFields(BaseModel):
    id: Id
    perspective: Perspective
    manager: Name | None = Field(default=None, description="The customer manager's role.")
    description: Text | None = None
    value_focus: Text | None = None
    value_identification: Text | None = None
    value_specification: Text | None = None
    value_realization: Text | None = None
    risk_focus: Text | None = None
    risk_assessment: Text | None = None
    risk_reduction: Text | None = None
    advantages: tuple[Advantage, ...] = Field(
        default=(), description="The advantages the source says the supplier gained."
    )


class CustomerManagement(CustomerManagementFields, Fact):
    """A unit manages a customer as an asset from one of Senn et al.'s perspectives.

    The stage fields follow the cells of their Figure 1: what the manager did to create
    value (focus, identification, specification, realization) and to manage risk (focus,
    assessment, reduction), each left empty where the source says nothing of it.
    """

    unit: Id
    customer: Id


class CaseAnalysis(Fact):
    """One supplier-customer business case as Senn, Thoma & Yip rate it (their Table 4)."""

    id: Id
    case_no: int = Field(ge=1, description="The case's number in the paper's table.")
    industry: Name
    asset_management: Rating = Field(
        description="Depth of customer asset management: low = sales, medium = "
        "relationship, high = network perspective."
    )
    relationship_advantage: Rating
    economic_advantage: Rating
    knowledge_advantage: Rating
    leadership_advantage: Rating


class CaseFile(Strict):
    """One firm with everything the sources say about it."""

    case: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,40}$")]
    title: Name
    firm: Firm
    units: tuple[Unit, ...] = Field(min_length=1)
    actors: tuple[Actor, ...] = ()
    actor_links: tuple[ActorLink, ...] = ()
    capabilities: tuple[Capability, ...] = ()
    knowledge: tuple[Knowledge, ...] = ()
    learning: tuple[LearningEvent, ...] = ()
    flows: tuple[Flow, ...] = ()
    resources: tuple[Resource, ...] = ()
    integrations: tuple[IntegrationEvent, ...] = ()
    projects: tuple[Project, ...] = ()
    support: tuple[Support, ...] = ()
    tensions: tuple[Tension, ...] = ()
    customer_management: tuple[CustomerManagement, ...] = ()
    case_analyses: tuple[CaseAnalysis, ...] = ()


Problem = tuple[tuple[str | int, ...], str]


def _duplicate_ids(case: CaseFile) -> Iterable[Problem]:
    ids = [case.firm.id]
    for section in RECORD_SECTIONS:
        ids.extend([record.id for record in getattr(case, section)])
    if len(set(ids)) == len(ids):
        return  # the usual case, found at C speed; only a case with duplicates is walked
    seen: dict[str, tuple[str | int, ...]] = {case.firm.id: ("firm", "id")}
    for section in RECORD_SECTIONS:
        for index, record in enumerate(getattr(case, section)):
            loc: tuple[str | int, ...] = (section, index, "id")
            if record.id in seen:
                first = ".".join(map(str, seen[record.id]))
                yield loc, f"duplicate id '{record.id}' (first used at {first})"
            else:
                seen[record.id] = loc


RECORD_SECTIONS = (
    "units",
    "actors",
    "actor_links",
    "capabilities",
    "knowledge",
    "learning",
    "flows",
    "resources",
    "integrations",
    "projects",
    "support",
    "tensions",
    "customer_management",
    "case_analyses",
)


def _ancestors(units: dict[str, Unit], unit_id: str) -> list[str]:
    chain: list[str] = []
    current = units[unit_id].reports_to
    while current is not None and current in units and current not in chain:
        chain.append(current)
        current = units[current].reports_to
    return chain


@dataclass(frozen=True)
class UnitPlace:
    """Where a unit sits: its role and the chain of units it reports to, nearest first."""

    id: str
    role: UnitRole
    bosses: tuple[str, ...]


def place_of(units: dict[str, Unit], unit_id: str) -> UnitPlace:
    """A case unit's place in its firm's hierarchy."""
    return UnitPlace(unit_id, units[unit_id].role, tuple(_ancestors(units, unit_id)))


def flow_direction_fits(source: UnitPlace, target: UnitPlace, direction: FlowDirection) -> bool:
    """Whether a flow from source to target really goes the way it claims.

    Upward means towards a unit the source reports to, or to a higher tier of the hub (the
    HQ and its capability centre form the top tier); downward is the reverse; horizontal
    stays on one tier.
    """
    source_level, target_level = ROLE_LEVEL[source.role], ROLE_LEVEL[target.role]
    if direction is FlowDirection.UPWARD:
        return target.id in source.bosses or target_level < source_level
    if direction is FlowDirection.DOWNWARD:
        return source.id in target.bosses or source_level < target_level
    return source_level == target_level


def find_case_problems(case: CaseFile) -> Iterable[Problem]:
    """Every broken reference or model rule in a case, with the field's path."""
    yield from _duplicate_ids(case)
    units = {u.id: u for u in case.units}
    actors = {a.id: a for a in case.actors}
    knowledge = {k.id for k in case.knowledge}
    capabilities = {c.id for c in case.capabilities}
    resources = {r.id for r in case.resources}
    projects = {p.id for p in case.projects}

    def ref(
        loc: tuple[str | int, ...], value: str | None, pool: Iterable[str], what: str
    ) -> Iterable[Problem]:
        if value is not None and value not in pool:
            yield loc, f"unknown {what} '{value}'"

    def ends(
        section: str, i: int, link: Link, pool: Iterable[str], what: str, itself: str
    ) -> Iterable[Problem]:
        """A link's two ends: each one known, and not the same one."""
        yield from ref((section, i, "from"), link.source, pool, what)
        yield from ref((section, i, "to"), link.target, pool, what)
        if link.source == link.target:
            yield (section, i, "to"), itself

    roots = [u.id for u in case.units if u.reports_to is None]
    for i, unit in enumerate(case.units):
        yield from ref(("units", i, "reports_to"), unit.reports_to, units, "unit")
        if unit.reports_to == unit.id:
            yield ("units", i, "reports_to"), f"unit '{unit.id}' cannot report to itself"
        elif unit.reports_to in units and unit.id in _ancestors(units, unit.reports_to):
            yield ("units", i, "reports_to"), f"reporting line of '{unit.id}' forms a cycle"
    hq_units = [u for u in case.units if u.role is UnitRole.HQ]
    if len(hq_units) != 1:
        yield ("units",), f"a firm has exactly one HQ unit, found {len(hq_units)}"
    elif len(roots) != 1:
        yield (
            ("units",),
            (f"every unit but the HQ reports to another unit; top-level units: {sorted(roots)}"),
        )

    for i, link in enumerate(case.actor_links):
        yield from ends(
            "actor_links", i, link, actors, "actor", "an actor cannot be linked to itself"
        )

    for i, item in enumerate(case.knowledge):
        for j, cap in enumerate(item.builds):
            yield from ref(("knowledge", i, "builds", j), cap, capabilities, "capability")

    for i, event in enumerate(case.learning):
        if event.unit not in units:
            yield ("learning", i, "unit"), f"unknown unit '{event.unit}'"
        if event.source not in actors:
            yield ("learning", i, "source"), f"unknown actor '{event.source}'"
        for j, k in enumerate(event.knowledge):
            if k not in knowledge:
                yield ("learning", i, "knowledge", j), f"unknown knowledge item '{k}'"
        source = actors.get(event.source)
        if source is not None:
            expected = CHANNEL_OF_SOURCE.get(source.kind)
            if expected is None:
                yield (
                    ("learning", i, "source"),
                    (
                        f"'{source.id}' is a {source.kind.value}, not a learning source "
                        "(customer, collaborator or host country)"
                    ),
                )
            elif expected is not event.channel:
                yield (
                    ("learning", i, "channel"),
                    (
                        f"learning from a {source.kind.value} goes through the "
                        f"'{expected.value}' channel, not '{event.channel.value}'"
                    ),
                )

    # A case can hold a million flows: each unit's place is worked out once, not per flow.
    places = {unit_id: place_of(units, unit_id) for unit_id in units}
    # Flows come about ten to a pair of units: a pair and direction is judged once.
    judged: dict[tuple[str, str, FlowDirection], bool] = {}
    for i, flow in enumerate(case.flows):
        key = (flow.source, flow.target, flow.direction)
        fine = judged.get(key)
        if fine is None:
            sender, receiver = places.get(flow.source), places.get(flow.target)
            fine = judged[key] = (
                sender is not None
                and receiver is not None
                and flow.source != flow.target
                and flow_direction_fits(sender, receiver, flow.direction)
            )
        if fine and (flow.knowledge is None or flow.knowledge in knowledge):
            continue
        sender, receiver = places.get(flow.source), places.get(flow.target)
        if sender is None:
            yield ("flows", i, "from"), f"unknown unit '{flow.source}' (not a unit of this firm)"
        if receiver is None:
            yield ("flows", i, "to"), f"unknown unit '{flow.target}' (not a unit of this firm)"
        if flow.knowledge is not None and flow.knowledge not in knowledge:
            yield ("flows", i, "knowledge"), f"unknown knowledge item '{flow.knowledge}'"
        if flow.source == flow.target:
            yield ("flows", i, "to"), "a flow cannot go from a unit to itself"
        elif (
            sender is not None
            and receiver is not None
            and not flow_direction_fits(sender, receiver, flow.direction)
        ):
            yield (
                ("flows", i, "direction"),
                (
                    f"a flow from {units[flow.source].role.value} '{flow.source}' to "
                    f"{units[flow.target].role.value} '{flow.target}' is not {flow.direction.value}"
                ),
            )

    for i, resource in enumerate(case.resources):
        yield from ref(("resources", i, "held_by"), resource.held_by, units, "unit")

    for i, integration in enumerate(case.integrations):
        for role in ("sponsors", "beneficiaries"):
            for j, unit_id in enumerate(getattr(integration, role)):
                yield from ref(("integrations", i, role, j), unit_id, units, "unit")
        yield from ref(("integrations", i, "coordinator"), integration.coordinator, units, "unit")
        coordinator = units.get(integration.coordinator or "")
        if coordinator is not None and coordinator.role not in COORDINATING_ROLES:
            yield (
                ("integrations", i, "coordinator"),
                (
                    "integration is coordinated by the HQ, its capability centre or a "
                    f"regional HQ, not a {coordinator.role.value}"
                ),
            )
        for j, k in enumerate(integration.knowledge):
            if k not in knowledge:
                yield ("integrations", i, "knowledge", j), f"unknown knowledge item '{k}'"
        for j, r in enumerate(integration.resources):
            if r not in resources:
                yield (
                    ("integrations", i, "resources", j),
                    (
                        f"unknown resource '{r}': a firm can only {integration.step.value} "
                        "a resource it holds"
                    ),
                )

    for i, project in enumerate(case.projects):
        yield from ref(("projects", i, "customer"), project.customer, actors, "actor")
        for j, actor in enumerate(project.third_actors):
            yield from ref(("projects", i, "third_actors", j), actor, actors, "actor")
        yield from ref(("projects", i, "coordinator"), project.coordinator, units, "unit")
        members = {pu.unit for pu in project.units}
        for j, pu in enumerate(project.units):
            yield from ref(("projects", i, "units", j, "unit"), pu.unit, units, "unit")
        for j, dep in enumerate(project.dependencies):
            for end, value in (("from", dep.source), ("to", dep.target)):
                if value not in members:
                    yield (
                        ("projects", i, "dependencies", j, end),
                        (f"'{value}' is not one of the project's units"),
                    )
            if dep.source == dep.target:
                yield ("projects", i, "dependencies", j, "to"), "a unit cannot depend on itself"
        if project.coordinator is not None and project.coordinator in units:
            role = units[project.coordinator].role
            if role not in (UnitRole.HQ, UnitRole.CORE_SUBSIDIARY, UnitRole.REGIONAL_HQ):
                yield (
                    ("projects", i, "coordinator"),
                    (
                        f"a project is coordinated by the HQ or a core subsidiary, "
                        f"not a {role.value}"
                    ),
                )

    for i, support in enumerate(case.support):
        yield from ends("support", i, support, units, "unit", "a unit cannot support itself")
        yield from ref(("support", i, "project"), support.project, projects, "project")

    for i, tension in enumerate(case.tensions):
        for j, unit_id in enumerate(tension.units):
            yield from ref(("tensions", i, "units", j), unit_id, units, "unit")

    for i, managed in enumerate(case.customer_management):
        yield from ref(("customer_management", i, "unit"), managed.unit, units, "unit")
        yield from ref(("customer_management", i, "customer"), managed.customer, actors, "actor")


COORDINATING_ROLES = (UnitRole.HQ, UnitRole.CAPABILITY_CENTRE, UnitRole.REGIONAL_HQ)


def count_records(case: CaseFile) -> Counter[str]:
    """How many records of each section a case holds."""
    counts: Counter[str] = Counter({"firm": 1})
    for section in RECORD_SECTIONS:
        counts[section] = len(getattr(case, section))
    return counts


def canonical_json(case: CaseFile) -> str:
    """A case as JSON in which no list order carries meaning: equal cases, equal text."""

    def canonical(value: object) -> object:
        if isinstance(value, dict):
            return {key: canonical(item) for key, item in sorted(value.items())}
        if isinstance(value, list):
            items = [canonical(item) for item in value]
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    return json.dumps(canonical(case.model_dump(mode="json", exclude_none=True)), sort_keys=True)
