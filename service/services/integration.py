"""What the firm leveraged, renewed and released, when, and at which tier (Table 3)."""

from dataclasses import dataclass

from pydantic import BaseModel

from service import cypher
from service.model.enums import IntegrationStep, IntegrationTier
from service.model.views import IntegrationEventView
from service.services.errors import NotFound
from service.services.navigation import Along, Page, check_partial_date, root_page
from service.services.network import get_firms_by_id, get_integration_events_by_id
from service.services.paging import KeysetRequest
from service.store.port import GraphStore

INTEGRATION = cypher.Folder("integration")


class MatrixCell(BaseModel):
    tier: IntegrationTier
    step: IntegrationStep
    total: int
    # The ids of the cell's first events in time order, as every write keeps them.
    first_events: list[str] = []


@dataclass(frozen=True)
class EventFilter:
    """Which integration events to list; since/until are partial dates (YYYY[-MM[-DD]])."""

    firm: str | None = None
    step: IntegrationStep | None = None
    tier: IntegrationTier | None = None
    unit: str | None = None
    knowledge: str | None = None
    since: str | None = None
    until: str | None = None

    def params(self) -> dict[str, str | None]:
        """The statement parameters, after checking the dates."""
        check_partial_date("since", self.since)
        check_partial_date("until", self.until)
        return {
            "firm": self.firm,
            "step": self.step.value if self.step else None,
            "tier": self.tier.value if self.tier else None,
            "unit": self.unit,
            "knowledge": self.knowledge,
            "since": self.since,
            "until": self.until,
        }


async def list_integration_events(
    store: GraphStore,
    *,
    filters: EventFilter,
    page: KeysetRequest,
    counted: bool = False,
    along: Along | None = None,
) -> Page[IntegrationEventView]:
    """A page of integration events in time order, stable when events are recorded between
    pages; since/until overlap partial dates; with `counted`, the page's total counts them."""
    rows = await store.read(
        INTEGRATION.list_integration_events,
        filters.params() | page.params() | (along or Along()).params() | {"counted": counted},
    )
    return root_page(rows, IntegrationEventView, page)


async def list_knowledge_integration_events(
    store: GraphStore, *, knowledge_id: str, limit: int
) -> list[IntegrationEventView]:
    """The first integration events that used one knowledge item, found through the item."""
    rows = await store.read(
        INTEGRATION.list_knowledge_integration_events, {"knowledge": knowledge_id, "limit": limit}
    )
    return [IntegrationEventView.model_validate(row["event"]) for row in rows]


async def get_integration_matrix(store: GraphStore, *, firm_id: str) -> list[MatrixCell]:
    """Tier x step counts of a firm's events, every cell present (read from the counts every
    write keeps, so it costs the same at any size)."""
    if firm_id not in await get_firms_by_id(store, ids=[firm_id]):
        raise NotFound("firm", firm_id)
    rows = await store.read(INTEGRATION.list_integration_cells, {"firm": firm_id})
    counted = {(row["tier"], row["step"]): row for row in rows}
    cells = []
    for tier in IntegrationTier:
        for step in IntegrationStep:
            row = counted.get((tier.value, step.value), {})
            cells.append(
                MatrixCell(
                    tier=tier,
                    step=step,
                    total=int(row.get("total", 0)),
                    first_events=row.get("first") or [],
                )
            )
    return cells


async def list_matrix_cell_events(
    store: GraphStore, *, cell: MatrixCell
) -> list[IntegrationEventView]:
    """The first events of one cell of a firm's integration matrix, in time order (the ones
    its cell keeps, read by id)."""
    found = await get_integration_events_by_id(store, ids=cell.first_events)
    return [found[event_id] for event_id in cell.first_events if event_id in found]
