"""GraphQL: customers managed as assets (Senn, Thoma & Yip)."""

import strawberry

from service.api.graphql.context import Info
from service.api.graphql.derive import Derived, fields_of
from service.api.graphql.types import Node, unit_field
from service.model.views import CustomerManagementView
from service.services import customers


@strawberry.type(
    description="A customer managed as an asset: the manager's perspective, what was done "
    "at each stage of Senn, Thoma & Yip's Figure 1 (null where the source says nothing), "
    "and the advantages gained."
)
@fields_of(CustomerManagementView, skip={"firm"}, ids={"unit_id": "unit"})
class CustomerManagement(Node, Derived):
    unit_id: strawberry.Private[str]

    unit = unit_field("unit_id", description="The unit the customer manager works in.")


@strawberry.type
class CustomersQuery:
    @strawberry.field(description="A firm's customers managed as assets, in id order.")
    async def customer_management(
        self, info: Info, firm: strawberry.ID
    ) -> list[CustomerManagement]:
        views = await customers.list_customer_management(info.context.store, firm_id=str(firm))
        return [CustomerManagement.from_view(view) for view in views]
