"""GraphQL: integration events and the tier x step matrix of Table 3."""

import strawberry

from service.api.graphql.arguments import Dates, Paging, grouped
from service.api.graphql.context import Info
from service.api.graphql.selection import along
from service.api.graphql.types import Connection, IntegrationEvent, page_connection, wants_total
from service.model.enums import IntegrationStep, IntegrationTier
from service.services import integration


@strawberry.type(description="One cell of the integration matrix: a tier and a step.")
class MatrixCell:
    tier: IntegrationTier
    step: IntegrationStep
    count: int
    cell: strawberry.Private[integration.MatrixCell]

    @strawberry.field(description="The cell's events in time order (the first 50).")
    async def events(self, info: Info) -> list[IntegrationEvent]:
        views = await integration.list_matrix_cell_events(info.context.store, cell=self.cell)
        return [IntegrationEvent.from_view(v) for v in views]


@strawberry.type
class IntegrationQuery:
    @strawberry.field(
        description=(
            "Integration events in time order (undated last), then by id; keyset cursors, so "
            "events recorded between two page loads shift no page. since/until take YYYY, "
            "YYYY-MM or YYYY-MM-DD and keep events whose date or period overlaps them."
        )
    )
    @grouped
    async def integration_events(
        self,
        info: Info,
        firm: strawberry.ID | None = None,
        step: IntegrationStep | None = None,
        tier: IntegrationTier | None = None,
        unit: strawberry.ID | None = None,
        dates: Dates = Dates(),
        paging: Paging = Paging(),
    ) -> Connection[IntegrationEvent]:
        filters = integration.EventFilter(
            firm=str(firm) if firm else None,
            step=step,
            tier=tier,
            unit=str(unit) if unit else None,
            since=dates.since,
            until=dates.until,
        )

        page = await integration.list_integration_events(
            info.context.store,
            filters=filters,
            page=paging.keyset(info),
            counted=wants_total(info),
            along=along(
                info,
                units=("sponsors", "beneficiaries", "coordinator", "unit"),
                knowledge=("knowledge",),
            ),
        )
        info.context.remember(page.related)
        return page_connection(page, IntegrationEvent.from_view)

    @strawberry.field(
        description="A firm's integration events counted by tier and step; "
        "all six cells, empty ones included."
    )
    async def integration_matrix(self, info: Info, firm: strawberry.ID) -> list[MatrixCell] | None:
        cells = await integration.get_integration_matrix(info.context.store, firm_id=str(firm))
        return [MatrixCell(tier=c.tier, step=c.step, count=c.total, cell=c) for c in cells]
