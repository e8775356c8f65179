"""GraphQL: root lists to start a walk from: flows, knowledge and learning events."""

import strawberry

from service.api.graphql.arguments import Dates, Paging, grouped
from service.api.graphql.context import Info
from service.api.graphql.types import (
    Connection,
    Firm,
    Flow,
    Knowledge,
    LearningEvent,
    flow_filter,
    learning_along,
    page_connection,
)
from service.model.enums import FlowOrder
from service.services import navigation
from service.services.navigation import EventFilter, Page


@strawberry.type
class NavigationQuery:
    @strawberry.field(
        description="The firms, by name, a page at a time: where a front end starts a walk."
    )
    @grouped
    async def firms_connection(self, info: Info, paging: Paging = Paging()) -> Connection[Firm]:
        page = await navigation.list_firms_paged(info.context.store, page=paging.keyset(info))
        return page_connection(page, Firm.from_view)

    @strawberry.field(
        description="Flows touching a unit, carrying a knowledge item, or between a firm's "
        "units (name at least one; the others filter), in date order."
    )
    @grouped
    async def flows(
        self,
        info: Info,
        firm: strawberry.ID | None = None,
        knowledge: strawberry.ID | None = None,
        unit: strawberry.ID | None = None,
        dates: Dates = Dates(),
        order_by: FlowOrder = FlowOrder.DATE_ASC,
        paging: Paging = Paging(),
    ) -> Connection[Flow]:
        filters = flow_filter(info, firm, knowledge, dates, order_by, paging)
        page = await navigation.list_flows(
            info.context.store, unit=str(unit) if unit is not None else None, filters=filters
        )
        info.context.remember(page.related)
        return page_connection(page, Flow.from_view)

    @strawberry.field(description="Knowledge items, of one firm or of all, by name.")
    @grouped
    async def knowledge(
        self, info: Info, firm: strawberry.ID | None = None, paging: Paging = Paging()
    ) -> Connection[Knowledge]:
        request = paging.keyset(info)
        firm_id = str(firm) if firm is not None else None
        pages = await navigation.list_firm_knowledge(
            info.context.store, firms=[firm_id], page=request
        )
        return page_connection(pages.get(firm_id) or Page.empty(request), Knowledge.from_view)

    @strawberry.field(
        description="What units learned from outside sources, of one unit, one firm or all, "
        "in date order (undated last); since/until take YYYY, YYYY-MM or YYYY-MM-DD."
    )
    @grouped
    async def learning_events(
        self,
        info: Info,
        firm: strawberry.ID | None = None,
        unit: strawberry.ID | None = None,
        dates: Dates = Dates(),
        paging: Paging = Paging(),
    ) -> Connection[LearningEvent]:
        filters = EventFilter(dates.period, paging.keyset(info), learning_along(info))
        store = info.context.store
        firm_id = str(firm) if firm is not None else None
        if unit is not None:
            key: str | None = str(unit)
            pages = await navigation.list_unit_learning_events(
                store, units=[str(unit)], firm=firm_id, filters=filters
            )
        else:
            key = firm_id
            pages = await navigation.list_firm_learning_events(
                store, firms=[firm_id], filters=filters
            )
        page = pages.get(key) or Page.empty(filters.page)
        info.context.remember(page.related)
        return page_connection(page, LearningEvent.from_view)
