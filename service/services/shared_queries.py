"""Named questions a GraphQL field answers too: the library asks the field's own service
function (so its one statement), and lays the answer out in the library's columns.

A route to the HQ capability centre and a firm's integration events are each one fact,
written once in `cypher/paths/` and `cypher/integration/`; a copy in `cypher/queries/` would
drift from them. Each row keeps the citation and assumption of the records it rests on.
"""

from collections.abc import Mapping
from typing import Any

from service.cypher import Param
from service.model.enums import IntegrationStep
from service.services.analytics_queries import ROW_LIMIT, ComputedQuery, Rows
from service.services.errors import InvalidArgument
from service.services.integration import EventFilter, list_integration_events
from service.services.navigation import Along
from service.services.network import list_firms
from service.services.paging import KeysetRequest, PageRequest
from service.services.paths import PathQuestion, list_reverse_transfer_paths
from service.store.port import GraphStore


async def list_reverse_transfer_path_rows(store: GraphStore, params: Mapping[str, Any]) -> Rows:
    """The routes (or an item's trails) up to the HQ capability centre, a row a path."""
    question = PathQuestion(
        unit_id=params["unit"], knowledge_id=params["knowledge"], max_hops=params["maxHops"]
    )
    try:
        page = await list_reverse_transfer_paths(
            store, question=question, page=PageRequest(skip=0, limit=params[ROW_LIMIT])
        )
    except InvalidArgument as problem:
        if problem.argument == "to":  # the firm has no HQ: no path leads there
            return []
        raise
    rows = []
    for path in page.paths:
        flows = [hop.flow for hop in path.hops if hop.flow is not None]
        rows.append(
            {
                "hops": path.length,
                "route": [hop.unit.id for hop in path.hops],
                "flows": [flow.id for flow in flows],
                "knowledge_carried": [flow.knowledge or "" for flow in flows],
                "citation": [flow.citation for flow in flows],
                "assumption": [flow.assumption or "" for flow in flows],
            }
        )
    return rows


def _step(value: str | None) -> IntegrationStep | None:
    if value is None:
        return None
    try:
        return IntegrationStep(value)
    except ValueError:
        steps = ", ".join(step.value for step in IntegrationStep)
        raise InvalidArgument("step", f"is one of {steps}, not {value!r}") from None


async def list_integration_event_rows(store: GraphStore, params: Mapping[str, Any]) -> Rows:
    """A firm's integration events (or every firm's, firm by firm), a row an event."""
    step = _step(params["step"])
    firms = (
        [params["firm"]] if params["firm"] is not None else [f.id for f in await list_firms(store)]
    )
    wanted = params[ROW_LIMIT]
    rows: Rows = []
    for firm in firms:
        if len(rows) >= wanted:
            break
        page = await list_integration_events(
            store,
            filters=EventFilter(firm=firm, step=step),
            page=KeysetRequest(size=wanted - len(rows)),
            along=Along(knowledge=True),
        )
        names = {item.id: item.name for item in page.related.knowledge.values()}
        rows += [
            {
                "firm": event.firm,
                "event": event.description,
                "step": event.step.value,
                "tier": event.tier.value,
                "activity": event.activity.value if event.activity else None,
                "date": event.date,
                "until": event.until,
                "sponsors": list(event.sponsors),
                "beneficiaries": list(event.beneficiaries),
                "coordinator": event.coordinator,
                "knowledge": [names[k] for k in event.knowledge],
                "resources": [resource.name for resource in event.resources],
                "citation": event.citation,
                "assumption": event.assumption,
            }
            for event in page.items
        ]
    return rows


SHARED_QUERIES = (
    ComputedQuery(
        name="list_reverse_transfer_paths",
        title="Which path did knowledge take from a subsidiary up to the HQ capability centre?",
        description="Every route of upward or horizontal flows from the unit to its firm's "
        "capability centre (or HQ when there is none), shortest first, then by the units' "
        "ids, no unit visited twice, at most maxHops hops (1-6). Without `knowledge`, a "
        "route is a chain of units, each having passed the next at least one such flow, "
        "shown with the earliest flow of each hop; with `knowledge`, every hop is a flow "
        "carrying the item, and the flows' dates never go back in time. A walk of more than "
        "20,000 paths is refused rather than ranked wrongly. The reverseTransferPaths field's "
        "own walk.",
        params=(
            Param("unit", "STRING"),
            Param("knowledge", "STRING", "null"),
            Param("maxHops", "INTEGER", "4"),
            Param(ROW_LIMIT, "INTEGER"),
        ),
        returns=("hops", "route", "flows", "knowledge_carried", "citation", "assumption"),
        compute=list_reverse_transfer_path_rows,
    ),
    ComputedQuery(
        name="list_integration_events",
        title="What did the firm leverage, renew and release, when, at which tier, from which "
        "knowledge?",
        description="A firm's integration events (or every firm's, firm by firm; optionally "
        "one step) in time order (undated last), then by id, with the units in Fu et al.'s "
        "Table 5 roles (empty where the source names none) and each event's citation and "
        "what it assumes. The integrationEvents field's own page.",
        params=(
            Param("firm", "STRING", "null"),
            Param("step", "STRING", "null"),
            Param(ROW_LIMIT, "INTEGER"),
        ),
        returns=(
            "firm",
            "event",
            "step",
            "tier",
            "activity",
            "date",
            "until",
            "sponsors",
            "beneficiaries",
            "coordinator",
            "knowledge",
            "resources",
            "citation",
            "assumption",
        ),
        compute=list_integration_event_rows,
    ),
)
