"""The closed vocabularies of the model (Fu, Sun & Ghauri; Sartorius-Khalapsina; Senn et al.)."""

from enum import StrEnum


class UnitRole(StrEnum):
    HQ = "hq"
    CAPABILITY_CENTRE = "capability_centre"
    REGIONAL_HQ = "regional_hq"
    CORE_SUBSIDIARY = "core_subsidiary"
    SUBSIDIARY = "subsidiary"


class Market(StrEnum):
    DEVELOPED = "developed"
    EMERGING = "emerging"


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    COLLABORATOR = "collaborator"
    HOST_COUNTRY = "host_country"
    ARCHITECT = "architect"
    GENERAL_CONTRACTOR = "general_contractor"
    CONFECTIONER = "confectioner"
    DESIGNER = "designer"
    CUSTOMERS_CUSTOMER = "customers_customer"
    SUBCONTRACTOR = "subcontractor"


class Channel(StrEnum):
    """The three reverse-learning channels of Table 2."""

    CUSTOMERS = "customers"
    COOPERATION = "cooperation"
    HOST_COUNTRY = "host_country"


class KnowledgeKind(StrEnum):
    DECLARATIVE = "declarative"
    PROCEDURAL = "procedural"


class FlowDirection(StrEnum):
    UPWARD = "upward"
    DOWNWARD = "downward"
    HORIZONTAL = "horizontal"


class FlowMode(StrEnum):
    PLANNED = "planned"
    UNCONSCIOUS = "unconscious"


class IntegrationStep(StrEnum):
    LEVERAGE = "leverage"
    RENEW = "renew"
    RELEASE = "release"


class RenewMode(StrEnum):
    CREATE = "create"
    ACCESS = "access"


class IntegrationTier(StrEnum):
    LOW = "low"
    HIGH = "high"


class ValueChainActivity(StrEnum):
    INBOUND_LOGISTICS = "inbound_logistics"
    OPERATIONS = "operations"
    OUTBOUND_LOGISTICS = "outbound_logistics"
    MARKETING_AND_SALES = "marketing_and_sales"
    SERVICE = "service"


class SupportingMechanism(StrEnum):
    KNOWLEDGE_ENCAPSULATION = "knowledge_encapsulation"
    INTRANET = "intranet"
    INCENTIVES = "incentives"
    STRATEGIC_LOCATION = "strategic_location"
    STRATEGIC_LINKAGES = "strategic_linkages"


class ResourceKind(StrEnum):
    BRAND = "brand"
    DISTRIBUTION_ACCESS = "distribution_access"
    MANUFACTURING_FACILITY = "manufacturing_facility"
    TECHNOLOGY = "technology"
    BUSINESS_UNIT = "business_unit"
    WORKFORCE = "workforce"
    EXECUTIVE = "executive"
    OTHER = "other"


class ActorLinkKind(StrEnum):
    ACQUIRED = "acquired"
    SUBCONTRACTS_TO = "subcontracts_to"
    SUBUNIT_OF = "subunit_of"
    # Partners in a joint venture (PSA and Dongfeng in DPCA): neither acquired the other.
    JOINT_VENTURE_WITH = "joint_venture_with"


class BuyingMode(StrEnum):
    CENTRALISED = "centralised"
    DECENTRALISED = "decentralised"


class Interdependence(StrEnum):
    """Thompson's kinds, as Sartorius-Khalapsina applies them between subsidiaries."""

    POOLED = "pooled"
    SEQUENTIAL = "sequential"
    RECIPROCAL = "reciprocal"


class TensionKind(StrEnum):
    """The collaborative tensions of Sartorius-Khalapsina's Table 4."""

    FIRM_LEVEL_PRIORITIES = "firm_level_priorities"
    CREDITING_CONTRIBUTIONS = "crediting_contributions"
    NON_RECIPROCAL_SUPPORT = "non_reciprocal_support"
    NO_HIERARCHICAL_LINK = "no_hierarchical_link"


class Perspective(StrEnum):
    """The customer manager's perspective (Senn, Thoma & Yip)."""

    SALES = "sales"
    RELATIONSHIP = "relationship"
    NETWORK = "network"


class Outcome(StrEnum):
    """How a firm's reverse learning turned out in the source (Table 4 robustness cases)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Advantage(StrEnum):
    """What a supplier gains from managing a customer as an asset (Senn, Thoma & Yip)."""

    RELATIONSHIP = "relationship"
    ECONOMIC = "economic"
    KNOWLEDGE = "knowledge"
    LEADERSHIP = "leadership"


class Rating(StrEnum):
    """Senn, Thoma & Yip's three-point scale (their Table 4)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Paper(StrEnum):
    FU2018 = "fu2018"
    SARTORIUS2024 = "sartorius2024"
    SENN2013 = "senn2013"


PAPER_TITLES: dict[Paper, str] = {
    Paper.FU2018: "Fu, Sun & Ghauri (2018)",
    Paper.SARTORIUS2024: "Sartorius-Khalapsina (2024)",
    Paper.SENN2013: "Senn, Thoma & Yip (2013)",
}

CHANNEL_OF_SOURCE: dict[ActorKind, Channel] = {
    ActorKind.CUSTOMER: Channel.CUSTOMERS,
    ActorKind.COLLABORATOR: Channel.COOPERATION,
    ActorKind.HOST_COUNTRY: Channel.HOST_COUNTRY,
}

# The HQ capability centre sits in the HQ: both are the top tier of the multi-level hub.
ROLE_LEVEL: dict[UnitRole, int] = {
    UnitRole.HQ: 0,
    UnitRole.CAPABILITY_CENTRE: 0,
    UnitRole.REGIONAL_HQ: 1,
    UnitRole.CORE_SUBSIDIARY: 2,
    UnitRole.SUBSIDIARY: 2,
}
