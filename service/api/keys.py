"""HTTP routes for administrators: issue, list and revoke API keys."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends

from service.api.deps import StoreDep, require_role
from service.services import access

router = APIRouter(
    prefix="/keys",
    tags=["administration"],
    dependencies=[Depends(require_role(access.Role.ADMIN, what="key management"))],
)


@router.post("", summary="Issue an API key", status_code=201)
async def post_key(
    store: StoreDep, name: Annotated[str, Body(max_length=100)], role: Annotated[str, Body()]
) -> access.IssuedKey:
    """Issue a key; the token in the answer is shown this once."""
    return await access.create_api_key(store.keys, name=name, role=access.parse_role(role))


@router.get("", summary="List API keys")
async def get_keys(store: StoreDep) -> list[access.ApiKey]:
    """Every key, revoked ones included; no secrets."""
    return await access.list_api_keys(store.keys)


@router.delete("/{key_id}", summary="Revoke an API key")
async def delete_key(store: StoreDep, key_id: str) -> access.ApiKey:
    """Revoke a key for good."""
    return await access.revoke_api_key(store.keys, key_id=key_id)
