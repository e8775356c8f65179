"""Customers managed as assets: Senn, Thoma & Yip's perspectives, stages and advantages."""

from service import cypher
from service.model.views import CustomerManagementView
from service.services.errors import NotFound
from service.services.network import get_firms_by_id
from service.store.port import GraphStore

CUSTOMERS = cypher.Folder("customers")


async def list_customer_management(
    store: GraphStore, *, firm_id: str
) -> list[CustomerManagementView]:
    """A firm's customer-management records in id order; an unknown firm is NotFound."""
    if firm_id not in await get_firms_by_id(store, ids=[firm_id]):
        raise NotFound("firm", firm_id)
    rows = await store.read(CUSTOMERS.list_customer_management, {"firm": firm_id})
    return [CustomerManagementView.model_validate(row["managed"]) for row in rows]
