"""GraphQL: a large firm at a glance, for drawing it without drawing every unit."""

import strawberry

from service.api.graphql.context import Info
from service.api.graphql.derive import Derived, fields_of
from service.api.graphql.types import optional_unit_field
from service.services import overview


@strawberry.type(description="The subsidiaries that report to one unit, counted.")
@fields_of(overview.UnitGroup)
class UnitGroup(Derived):
    hub_id: strawberry.Private[str | None]

    hub = optional_unit_field(
        "hub_id", description="The unit the group reports to (null: to none)."
    )

    @classmethod
    def from_view(cls, view: overview.UnitGroup) -> "UnitGroup":
        return cls.from_model(view, hub_id=view.hub)


@strawberry.type(description="A firm's upper levels whole and its subsidiaries in groups.")
@fields_of(overview.FirmOverview)
class FirmOverview(Derived):
    pass


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
        found = await overview.get_firm_overview(
            info.context.store,
            firm_id=str(firm),
            expand=[str(hub) for hub in expand or []],
            per_group=per_group,
        )
        return FirmOverview.from_model(found)
