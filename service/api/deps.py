"""Dependencies the routes and resolvers receive, as named types."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from service.services.access import KeyChecker, NotAuthenticated, Role, parse_role, require
from service.settings import Settings
from service.store.port import GraphStore


def get_store(request: HTTPConnection) -> GraphStore:
    """The store the application opened at start-up."""
    store: GraphStore = request.app.state.store
    return store


def get_app_settings(request: HTTPConnection) -> Settings:
    """The settings the application was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_role(request: HTTPConnection) -> Role | None:
    """The caller's role: from its API key, else what anonymous callers get (None: nothing)."""
    header = request.headers.get("authorization")
    if header is None:
        anonymous = request.app.state.settings.anonymous_access
        return None if anonymous == "none" else parse_role(anonymous)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("send the API key as 'Authorization: Bearer <key>'")
    checker: KeyChecker = request.app.state.keys
    return await checker.role_of(token.strip())


def require_role(needed: Role, *, what: str) -> Callable[..., Awaitable[Role]]:
    """A dependency that lets a request through only with at least `needed`."""

    async def check(role: Annotated[Role | None, Depends(get_role)]) -> Role:
        require(role, needed, what=what)
        assert role is not None
        return role

    return check


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
RoleDep = Annotated[Role | None, Depends(get_role)]
