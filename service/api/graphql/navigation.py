"""GraphQL: root lists to start a walk from: flows, knowledge and learning events."""

import strawberry

from service.api.graphql.context import Info
from service.api.graphql.scalars import PartialDate
from service.api.graphql.types import (
    Connection,
    Firm,
    Flow,
    Knowledge,
    LearningEvent,
    flow_filter,
    keyset,
    page_connection,
)
from service.model.enums import FlowOrder
from service.services import navigation
from service.services.navigation import EventFilter, Page, Period


@strawberry.type
class NavigationQuery:
    @strawberry.field(
        description="The firms, by name, a page at a time: where a front end starts a walk."
    )
    async def firms_connection(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Firm]:
        page = await navigation.list_firms_paged(
            info.context.store, page=keyset(info, first, after, last, before)
        )
        return page_connection(page, Firm.from_view)

    @strawberry.field(
        description="Flows touching a unit, carrying a knowledge item, or between a firm's "
        "units (name at least one; the others filter), in date order."
    )
    async def flows(
        self,
        info: Info,
        firm: strawberry.ID | None = None,
        knowledge: strawberry.ID | None = None,
        unit: strawberry.ID | None = None,
        since: PartialDate | None = None,
        until: PartialDate | None = None,
        order_by: FlowOrder = FlowOrder.DATE_ASC,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Flow]:
        filters = flow_filter(
            info, firm, knowledge, since, until, order_by, keyset(info, first, after, last, before)
        )
        page = await navigation.list_flows(
            info.context.store, unit=str(unit) if unit is not None else None, filters=filters
        )
        return page_connection(page, Flow.from_view)

    @strawberry.field(description="Knowledge items, of one firm or of all, by name.")
    async def knowledge(
        self,
        info: Info,
        firm: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Knowledge]:
        request = keyset(info, first, after, last, before)
        firm_id = str(firm) if firm is not None else None
        pages = await navigation.list_firm_knowledge(
            info.context.store, firms=[firm_id], page=request
        )
        return page_connection(pages.get(firm_id) or Page.empty(request), Knowledge.from_view)

    @strawberry.field(
        description="What units learned from outside sources, of one unit, one firm or all, "
        "in date order (undated last); since/until take YYYY, YYYY-MM or YYYY-MM-DD."
    )
    async def learning_events(
        self,
        info: Info,
        firm: strawberry.ID | None = None,
        unit: strawberry.ID | None = None,
        since: PartialDate | None = None,
        until: PartialDate | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[LearningEvent]:
        filters = EventFilter(Period(since, until), keyset(info, first, after, last, before))
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
        return page_connection(pages.get(key) or Page.empty(filters.page), LearningEvent.from_view)
