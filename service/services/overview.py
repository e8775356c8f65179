"""A large firm at a glance: its upper levels drawn whole, its subsidiaries counted in groups
by the unit they report to, and a few groups opened to their busiest members."""

from pydantic import BaseModel, Field

from service import cypher
from service.model.enums import UnitRole
from service.model.views import FirmView, UnitView
from service.services.errors import InvalidArgument
from service.services.lookup import check_known_ids
from service.services.network import count_units, get_firms_by_id, list_units_paged
from service.services.paging import KeysetRequest
from service.store.port import GraphStore

OVERVIEW = cypher.Folder("overview")
UPPER_ROLES = (UnitRole.HQ, UnitRole.CAPABILITY_CENTRE, UnitRole.REGIONAL_HQ)
# More than a screen can show; a firm has far fewer hubs than this.
MAX_UPPER_UNITS = 500
MAX_OPEN_GROUPS = 10
MAX_MEMBERS = 200


class UnitGroup(BaseModel):
    hub: str | None
    units: int = Field(description="How many subsidiaries the group holds.")
    core: int = Field(description="How many of them are core subsidiaries.")
    flows_up: int = Field(description="Flows its members sent to hubs and HQ.")
    flows_down: int = Field(description="Flows its members got from hubs and HQ.")
    flows_across: int = Field(description="Flows its members sent to peers.")
    members: list[UnitView] = Field(
        description="The busiest members, when the group was asked for in `expand`."
    )


class FirmOverview(BaseModel):
    firm: FirmView
    unit_count: int = Field(description="All the firm's units.")
    upper: list[UnitView] = Field(
        description="The HQ, the capability centre and the regional hubs."
    )
    groups: list[UnitGroup]


async def get_firm_overview(
    store: GraphStore, *, firm_id: str, expand: list[str], per_group: int
) -> FirmOverview:
    """A firm's HQ, capability centre and hubs, its subsidiaries counted by the unit they
    report to, and the busiest `per_group` members of each group in `expand`."""
    if len(expand) > MAX_OPEN_GROUPS:
        raise InvalidArgument(
            "expand", f"opens {len(expand)} groups; the limit is {MAX_OPEN_GROUPS}"
        )
    if not 1 <= per_group <= MAX_MEMBERS:
        raise InvalidArgument("perGroup", f"must be between 1 and {MAX_MEMBERS}, not {per_group}")
    await check_known_ids(store, kind="firm", ids=[firm_id])
    firms = await get_firms_by_id(store, ids=[firm_id])
    upper: list[UnitView] = []
    for role in UPPER_ROLES:
        page = KeysetRequest(MAX_UPPER_UNITS)
        found = await list_units_paged(store, firm=firm_id, role=role, country=None, page=page)
        upper += found.items
    groups = []
    for row in await store.read(OVERVIEW.list_unit_groups, {"firm": firm_id}):
        hub = row["hub"]
        members = []
        if hub is not None and hub in expand:
            params = {"firm": firm_id, "hub": hub, "limit": per_group}
            members = [
                UnitView.model_validate(found["unit"])
                for found in await store.read(OVERVIEW.list_group_members, params)
            ]
        groups.append(UnitGroup.model_validate(row | {"members": members}))
    total = await count_units(store, firm=firm_id, role=None, country=None)
    return FirmOverview(firm=firms[firm_id], unit_count=total, upper=upper, groups=groups)
