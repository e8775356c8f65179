"""The closed vocabularies of the model (Fu, Sun & Ghauri; Sartorius-Khalapsina; Senn et al.)."""

from enum import StrEnum, auto


class UnitRole(StrEnum):
    HQ = auto()
    CAPABILITY_CENTRE = auto()
    REGIONAL_HQ = auto()
    CORE_SUBSIDIARY = auto()
    SUBSIDIARY = auto()


class Market(StrEnum):
    DEVELOPED = auto()
    EMERGING = auto()


class ActorKind(StrEnum):
    CUSTOMER = auto()
    COLLABORATOR = auto()
    HOST_COUNTRY = auto()
    ARCHITECT = auto()
    GENERAL_CONTRACTOR = auto()
    CONFECTIONER = auto()
    DESIGNER = auto()
    CUSTOMERS_CUSTOMER = auto()
    SUBCONTRACTOR = auto()


class Channel(StrEnum):
    """The three reverse-learning channels of Table 2."""

    CUSTOMERS = auto()
    COOPERATION = auto()
    HOST_COUNTRY = auto()


class KnowledgeKind(StrEnum):
    DECLARATIVE = auto()
    PROCEDURAL = auto()


class FlowDirection(StrEnum):
    UPWARD = auto()
    DOWNWARD = auto()
    HORIZONTAL = auto()


class FlowMode(StrEnum):
    PLANNED = auto()
    UNCONSCIOUS = auto()


class IntegrationStep(StrEnum):
    LEVERAGE = auto()
    RENEW = auto()
    RELEASE = auto()


class RenewMode(StrEnum):
    CREATE = auto()
    ACCESS = auto()


class IntegrationTier(StrEnum):
    LOW = auto()
    HIGH = auto()


class ValueChainActivity(StrEnum):
    INBOUND_LOGISTICS = auto()
    OPERATIONS = auto()
    OUTBOUND_LOGISTICS = auto()
    MARKETING_AND_SALES = auto()
    SERVICE = auto()


class SupportingMechanism(StrEnum):
    KNOWLEDGE_ENCAPSULATION = auto()
    INTRANET = auto()
    INCENTIVES = auto()
    STRATEGIC_LOCATION = auto()
    STRATEGIC_LINKAGES = auto()


class ResourceKind(StrEnum):
    BRAND = auto()
    DISTRIBUTION_ACCESS = auto()
    MANUFACTURING_FACILITY = auto()
    TECHNOLOGY = auto()
    BUSINESS_UNIT = auto()
    WORKFORCE = auto()
    EXECUTIVE = auto()
    OTHER = auto()


class ActorLinkKind(StrEnum):
    ACQUIRED = auto()
    SUBCONTRACTS_TO = auto()
    SUBUNIT_OF = auto()
    # Partners in a joint venture (PSA and Dongfeng in DPCA): neither acquired the other.
    JOINT_VENTURE_WITH = auto()


class BuyingMode(StrEnum):
    CENTRALISED = auto()
    DECENTRALISED = auto()


class Interdependence(StrEnum):
    """Thompson's kinds, as Sartorius-Khalapsina applies them between subsidiaries."""

    POOLED = auto()
    SEQUENTIAL = auto()
    RECIPROCAL = auto()


class TensionKind(StrEnum):
    """The collaborative tensions of Sartorius-Khalapsina's Table 4."""

    FIRM_LEVEL_PRIORITIES = auto()
    CREDITING_CONTRIBUTIONS = auto()
    NON_RECIPROCAL_SUPPORT = auto()
    NO_HIERARCHICAL_LINK = auto()


class Perspective(StrEnum):
    """The customer manager's perspective (Senn, Thoma & Yip)."""

    SALES = auto()
    RELATIONSHIP = auto()
    NETWORK = auto()


class Outcome(StrEnum):
    """How a firm's reverse learning turned out in the source (Table 4 robustness cases)."""

    SUCCEEDED = auto()
    FAILED = auto()


class Advantage(StrEnum):
    """What a supplier gains from managing a customer as an asset (Senn, Thoma & Yip)."""

    RELATIONSHIP = auto()
    ECONOMIC = auto()
    KNOWLEDGE = auto()
    LEADERSHIP = auto()


class Rating(StrEnum):
    """Senn, Thoma & Yip's three-point scale (their Table 4)."""

    LOW = auto()
    MEDIUM = auto()
    HIGH = auto()


class Paper(StrEnum):
    FU2018 = auto()
    SARTORIUS2024 = auto()
    SENN2013 = auto()


class PathRole(StrEnum):
    """What a unit does on one path: where knowledge starts, relays, or arrives."""

    SPOKE = auto()
    PEER = auto()
    REGIONAL_HUB = auto()
    HUB = auto()


class Stage(StrEnum):
    LEARNED = auto()
    TRANSFERRED_UP = auto()
    INTEGRATED = auto()
    DISSEMINATED_DOWN = auto()
    SHARED_ACROSS = auto()


class UnitOrder(StrEnum):
    NAME = auto()
    FLOW_VOLUME = auto()


class FlowOrder(StrEnum):
    DATE_ASC = auto()
    DATE_DESC = auto()


class SubsidiaryRole(StrEnum):
    """Gupta & Govindarajan's four subsidiary roles, by knowledge outflow and inflow."""

    GLOBAL_INNOVATOR = auto()  # high outflow, low inflow
    INTEGRATED_PLAYER = auto()  # high outflow, high inflow
    IMPLEMENTOR = auto()  # low outflow, high inflow
    LOCAL_INNOVATOR = auto()  # low outflow, low inflow


class HubMetricOrder(StrEnum):
    UNIT = auto()  # by id
    BROKERAGE = auto()  # largest first, then by id
    OUTFLOW = auto()
    INFLOW = auto()


class GraphFormat(StrEnum):
    """The formats a graph export is written in, by the CLI and the API alike."""

    GRAPHML = auto()
    CYTOSCAPE = auto()
    JSON = auto()
    CSV = auto()


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
