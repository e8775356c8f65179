"""GraphQL: a large firm at a glance, for drawing it without drawing every unit."""

import strawberry

from service.api.graphql.context import Info
from service.api.graphql.types import Firm, Unit, load_unit
from service.services.overview import get_firm_overview


@strawberry.type(description="The subsidiaries that report to one unit, counted.")
class UnitGroup:
    hub_id: strawberry.Private[str | None]
    units: int = strawberry.field(description="How many subsidiaries the group holds.")
    core: int = strawberry.field(description="How many of them are core subsidiaries.")
    flows_up: int = strawberry.field(description="Flows its members sent to hubs and HQ.")
    flows_down: int = strawberry.field(description="Flows its members got from hubs and HQ.")
    flows_across: int = strawberry.field(description="Flows its members sent to peers.")
    members: list[Unit] = strawberry.field(
        description="The busiest members, when the group was asked for in `expand`."
    )

    @strawberry.field(description="The unit the group reports to (null: to none).")
    async def hub(self, info: Info) -> Unit | None:
        return await load_unit(info, self.hub_id) if self.hub_id else None


@strawberry.type(description="A firm's upper levels whole and its subsidiaries in groups.")
class FirmOverview:
    firm: Firm
    unit_count: int = strawberry.field(description="All the firm's units.")
    upper: list[Unit] = strawberry.field(
        description="The HQ, the capability centre and the regional hubs."
    )
    groups: list[UnitGroup]


@strawberry.type
class OverviewQuery:
    @strawberry.field(
        description="A firm at a glance: its HQ, capability centre and hubs, its subsidiaries "
        "counted by the unit they report to, and up to perGroup (1-200) of the busiest members "
        "of the groups named in expand (at most 10)."
    )
    async def firm_overview(
        self,
        info: Info,
        firm: strawberry.ID,
        expand: list[strawberry.ID] | None = None,
        per_group: int = 40,
    ) -> FirmOverview:
        overview = await get_firm_overview(
            info.context.store,
            firm_id=str(firm),
            expand=[str(hub) for hub in expand or []],
            per_group=per_group,
        )
        return FirmOverview(
            firm=Firm.from_view(overview.firm),
            unit_count=overview.unit_count,
            upper=[Unit.from_view(unit) for unit in overview.upper],
            groups=[
                UnitGroup(
                    hub_id=group.hub,
                    units=group.units,
                    core=group.core,
                    flows_up=group.up,
                    flows_down=group.down,
                    flows_across=group.across,
                    members=[Unit.from_view(unit) for unit in group.members],
                )
                for group in overview.groups
            ],
        )
