"""How case records become graph elements: the labels, relationship types and properties.

`schema/graph-model.md` documents exactly this; a test holds the two together, and another
checks that the seeded graph holds nothing else.
"""

from typing import get_args

from pydantic import BaseModel

from service.model.case import CaseFile

# Fields of a record that become relationships or references, not its own properties.
REFERENCE_FIELDS: dict[str, set[str]] = {
    "units": {"reports_to"},
    "knowledge": {"builds"},
    "learning": {"unit", "source", "knowledge"},
    "resources": {"held_by"},
    "integrations": {"sponsors", "beneficiaries", "coordinator", "knowledge", "resources"},
    "projects": {"customer", "third_actors", "coordinator", "units", "dependencies"},
    "tensions": {"units"},
    "customer_management": {"unit", "customer"},
    "actor_links": {"source", "target"},
    "flows": {"source", "target"},
    "support": {"source", "target"},
}
PROVENANCE = {"firm", "citation", "cite_paper", "cite_where"}

# What a SENDS_* pair edge repeats of the earliest flow between its two units.
FIRST_FLOW_FIELDS = (
    "direction",
    "first_flow",
    "first_mode",
    "first_knowledge",
    "first_date",
    "first_citation",
    "first_assumption",
    "first_recorded_at",
)

# The case section each node label and fact relationship type is stored from.
NODE_SECTIONS = {
    "Firm": "firm",
    "Unit": "units",
    "Actor": "actors",
    "Capability": "capabilities",
    "Knowledge": "knowledge",
    "LearningEvent": "learning",
    "Resource": "resources",
    "IntegrationEvent": "integrations",
    "Project": "projects",
    "Tension": "tensions",
    "CaseAnalysis": "case_analyses",
}
FACT_RELATIONSHIP_SECTIONS = {
    "FLOWS": "flows",
    "ACQUIRED": "actor_links",
    "SUBCONTRACTS_TO": "actor_links",
    "SUBUNIT_OF": "actor_links",
    "JOINT_VENTURE_WITH": "actor_links",
    "SUPPORTED": "support",
    "MANAGES": "customer_management",
}
# Computed from FLOWS; exports leave them out unless asked, or a tool would count flows twice.
DERIVED_RELATIONSHIPS = ("SENDS_UP", "SENDS_DOWN", "SENDS_ACROSS")
_STRUCTURAL_RELATIONSHIPS: dict[str, set[str]] = {
    "PART_OF": set(),
    "REPORTS_TO": set(),
    "IN_NETWORK_OF": set(),
    "HAS_CAPABILITY": set(),
    "OF_FIRM": set(),
    "BUILDS": set(),
    "LEARNED": set(),
    "FROM": set(),
    "YIELDED": set(),
    "HOLDS": set(),
    "SPONSORED_BY": set(),
    "BENEFITS": set(),
    "USED": set(),
    "INVOLVED": set(),
    "FOR": set(),
    "INVOLVES": set(),
    "COORDINATED_BY": set(),
    "FACES": set(),
    "BETWEEN": set(),
    "WORKS_ON": {"part"},
    "DEPENDS_ON": {"project", "kind"},
    # Derived from FLOWS: one per ordered pair of units and direction, counting the flows and
    # repeating the earliest one's fields.
    **{kind: {"flows", "firm", *FIRST_FLOW_FIELDS} for kind in DERIVED_RELATIONSHIPS},
}
# Derived from FLOWS, kept on each unit by every write that adds flows (hubMetrics reads them):
# flows sent and received by the counterpart's tier, and Gould & Fernandez's brokerage.
UNIT_METRICS = (
    "outflow_hq",
    "outflow_hub",
    "outflow_peer",
    "inflow_hq",
    "inflow_hub",
    "inflow_peer",
    "brokerage",
)
# Derived from FLOWS and integration events, kept on each knowledge item by every write that
# adds either (transferLag reads them): the distinct dates of the flows that carried it into
# the HQ level from a unit below, and of the integration events that used it (in date
# order; lists an older kflow wrote may not be, and no reader depends on it), and how many
# of each are undated.
KNOWLEDGE_TRANSFER_DATES = (
    "hq_arrival_dates",
    "hq_arrivals_undated",
    "integration_dates",
    "integrations_undated",
)
# The properties a section's nodes keep besides their record, computed from FLOWS (and
# integrations): a case read back leaves them out, and so do exports unless asked.
DERIVED_SECTION_PROPERTIES: dict[str, tuple[str, ...]] = {
    "units": UNIT_METRICS,
    "knowledge": ("flowed", *KNOWLEDGE_TRANSFER_DATES),
}
DERIVED_NODE_PROPERTIES = frozenset(p for kept in DERIVED_SECTION_PROPERTIES.values() for p in kept)
UNIT_ROLE_LABELS = ("HQ", "CapabilityCentre", "RegionalHQ", "CoreSubsidiary", "Subsidiary")


def _stored(section: str) -> set[str]:
    """The properties a record of a case section is stored with."""
    annotation = CaseFile.model_fields[section].annotation
    # A section is one record (the firm) or a tuple of them.
    model: type[BaseModel] = (get_args(annotation) or (annotation,))[0]
    fields = set(model.model_fields) - REFERENCE_FIELDS.get(section, set()) - {"cite"}
    return fields | PROVENANCE


def node_properties() -> dict[str, set[str]]:
    """The properties each node label can hold."""
    shapes = {label: _stored(section) for label, section in NODE_SECTIONS.items()}
    shapes["Firm"] |= {"case", "title"}
    for label, section in NODE_SECTIONS.items():
        shapes[label] |= set(DERIVED_SECTION_PROPERTIES.get(section, ()))
    return shapes


def relationship_properties() -> dict[str, set[str]]:
    """The properties each relationship type can hold."""
    shapes = {kind: _stored(section) for kind, section in FACT_RELATIONSHIP_SECTIONS.items()}
    shapes.update(_STRUCTURAL_RELATIONSHIPS)
    return shapes
