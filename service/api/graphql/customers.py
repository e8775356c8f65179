"""GraphQL: customers managed as assets (Senn, Thoma & Yip)."""

import strawberry

from service.api.graphql.context import Info
from service.api.graphql.types import Actor, Unit, load_unit
from service.model.enums import Advantage, Perspective
from service.model.views import CustomerManagementView
from service.services import customers


@strawberry.type(
    description="A customer managed as an asset: the manager's perspective, what was done "
    "at each stage of Senn, Thoma & Yip's Figure 1 (null where the source says nothing), "
    "and the advantages gained."
)
class CustomerManagement:
    id: strawberry.ID
    perspective: Perspective
    manager: str | None
    description: str | None
    value_focus: str | None
    value_identification: str | None
    value_specification: str | None
    value_realization: str | None
    risk_focus: str | None
    risk_assessment: str | None
    risk_reduction: str | None
    advantages: list[Advantage]
    customer: Actor
    citation: str | None
    assumption: str | None
    unit_id: strawberry.Private[str]

    @strawberry.field(description="The unit the customer manager works in.")
    async def unit(self, info: Info) -> Unit:
        return await load_unit(info, self.unit_id)

    @classmethod
    def from_view(cls, view: CustomerManagementView) -> "CustomerManagement":
        return cls(
            id=strawberry.ID(view.id),
            perspective=view.perspective,
            manager=view.manager,
            description=view.description,
            value_focus=view.value_focus,
            value_identification=view.value_identification,
            value_specification=view.value_specification,
            value_realization=view.value_realization,
            risk_focus=view.risk_focus,
            risk_assessment=view.risk_assessment,
            risk_reduction=view.risk_reduction,
            advantages=list(view.advantages),
            customer=Actor.from_view(view.customer),
            citation=view.citation,
            assumption=view.assumption,
            unit_id=view.unit,
        )


@strawberry.type
class CustomersQuery:
    @strawberry.field(description="A firm's customers managed as assets, in id order.")
    async def customer_management(
        self, info: Info, firm: strawberry.ID
    ) -> list[CustomerManagement]:
        views = await customers.list_customer_management(info.context.store, firm_id=str(firm))
        return [CustomerManagement.from_view(view) for view in views]
