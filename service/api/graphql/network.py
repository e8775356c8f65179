"""GraphQL: firms, units and any node by id."""

from typing import TypeVar

import strawberry

from service.api.graphql.arguments import Paging, grouped
from service.api.graphql.context import Info
from service.api.graphql.derive import graphql_object
from service.api.graphql.scalars import PartialDate
from service.api.graphql.types import (
    Actor,
    Connection,
    Firm,
    Flow,
    Node,
    PageInfo,
    Unit,
    UnitPair,
    page_connection,
    unit_field,
)
from service.model.enums import Channel, FlowDirection, UnitRole
from service.services.dating import parse_as_of
from service.services.errors import NotFound
from service.services.network import (
    MAX_NETWORK_UNITS,
    NodeView,
    count_units,
    get_firm_network,
    get_nodes_by_id,
    list_firms,
    list_units_paged,
)
from service.services.paging import keyset_request

V = TypeVar("V")


@strawberry.type
class NetworkQuery:
    @strawberry.field(
        description="Every firm in the graph, by id, as a plain list: kept because the "
        "explorer page, scripts and existing clients read it; page with firmsConnection."
    )
    async def firms(self, info: Info) -> list[Firm]:
        return [Firm.from_view(view) for view in await list_firms(info.context.store)]

    @strawberry.field(description="One firm by id; null, with a NOT_FOUND error, if none.")
    async def firm(self, info: Info, id: strawberry.ID) -> Firm | None:
        return Firm.from_view(found(await info.context.firms.load(str(id)), "firm", id))

    @strawberry.field(description="One unit by id; null, with a NOT_FOUND error, if none.")
    async def unit(self, info: Info, id: strawberry.ID) -> Unit | None:
        return Unit.from_view(found(await info.context.units.load(str(id)), "unit", id))

    @strawberry.field(
        description="Units, filtered, in id order (at most 100 a page); keyset cursors, so "
        "units recorded between two page loads shift no page."
    )
    @grouped
    async def units(
        self,
        info: Info,
        firm: strawberry.ID | None = None,
        role: UnitRole | None = None,
        country: str | None = None,
        paging: Paging = Paging(),
    ) -> Connection[Unit]:
        store = info.context.store
        firm_id = str(firm) if firm is not None else None

        async def count() -> int:
            return await count_units(store, firm=firm_id, role=role, country=country)

        page = await list_units_paged(
            store,
            firm=firm_id,
            role=role,
            country=country,
            page=paging.keyset(info),
        )
        return page_connection(page, Unit.from_view, count)

    @strawberry.field(description="Any node by its id (Relay); null if there is none.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return (await resolve_nodes(info, [id]))[0]

    @strawberry.field(
        description="Nodes by id (Relay), in the order asked; null where there is none. "
        "Each kind is read in one batch."
    )
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        return await resolve_nodes(info, ids)


async def resolve_nodes(info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
    """The nodes with these ids as GraphQL types, in the order asked."""
    views = await get_nodes_by_id(info.context.store, ids=list(dict.fromkeys(map(str, ids))))
    return [node_of(views.get(str(node_id))) for node_id in ids]


def found(view: V | None, kind: str, node_id: strawberry.ID) -> V:
    """The view read by id; NotFound (GraphQL's NOT_FOUND) when there is none."""
    if view is None:
        raise NotFound(kind, str(node_id))
    return view


def node_of(view: NodeView | None) -> Node | None:
    """The GraphQL type of a view read by id."""
    if view is None:
        return None
    node = graphql_object(view)
    assert isinstance(node, Node), f"{type(view).__name__} is not a node's view"
    return node


@strawberry.type(description="Flows between two units in one direction: the drawn edge.")
class FlowLink(UnitPair):
    direction: FlowDirection
    volume: int = strawberry.field(description="How many flows the edge stands for.")
    flows: list[Flow]


@strawberry.type(description="A unit learned from an outside source: the network's rim.")
class SourceLink:
    channel: Channel
    events: int
    source: Actor
    unit_id: strawberry.Private[str]

    unit = unit_field("unit_id")


@strawberry.type(description="Everything needed to draw a firm's hub-and-spoke network.")
class FirmNetwork:
    firm: Firm
    units: list[Unit] = strawberry.field(description="One page of units, by name.")
    links: list[FlowLink] = strawberry.field(description="The flows the page's units sent.")
    sources: list[SourceLink] = strawberry.field(description="The page's units' sources.")
    total_units: int = strawberry.field(description="How many units the firm has in all.")
    page_info: PageInfo
    undated_excluded: int = strawberry.field(
        description="With asOf: the undated flows and learning events left out (0 without)."
    )


@strawberry.type
class FirmNetworkQuery:
    @strawberry.field(
        description="A firm's units, its flows grouped by pair and direction "
        "with their volume, and the sources its units learned from. A firm of more than "
        "`first` units (at most and by default 2,000) is drawn a page of units at a time: "
        "each page holds the links its units sent, so the pages together hold every link once. "
        "asOf (YYYY, YYYY-MM or YYYY-MM-DD) keeps only the flows and learning events dated "
        "on or before it."
    )
    async def firm_network(
        self,
        info: Info,
        firm: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        as_of: PartialDate | None = None,
    ) -> FirmNetwork | None:
        page = keyset_request(
            first=MAX_NETWORK_UNITS if first is None and last is None and before is None else first,
            after=after,
            last=MAX_NETWORK_UNITS
            if last is None and before is not None and first is None
            else last,
            before=before,
            max_size=MAX_NETWORK_UNITS,
        )
        network = await get_firm_network(
            info.context.store, firm_id=str(firm), page=page, as_of=parse_as_of(value=as_of)
        )
        return FirmNetwork(
            firm=Firm.from_view(network.firm),
            units=[Unit.from_view(u) for u in network.units],
            links=[
                FlowLink(
                    direction=link.direction,
                    volume=link.volume,
                    flows=[Flow.from_view(f) for f in link.flows],
                    source_id=link.source,
                    target_id=link.target,
                )
                for link in network.links
            ],
            sources=[
                SourceLink(
                    channel=s.channel,
                    events=s.events,
                    source=Actor.from_view(s.source),
                    unit_id=s.unit,
                )
                for s in network.sources
            ],
            total_units=network.total_units,
            page_info=PageInfo.of(
                [network.start_cursor, network.end_cursor] if network.units else [],
                has_next=network.has_next,
                has_previous=network.has_previous,
            ),
            undated_excluded=network.undated_excluded,
        )
