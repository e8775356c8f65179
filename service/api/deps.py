"""Dependencies the routes and resolvers receive, as named types."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from starlette.requests import HTTPConnection

from service.services.access import (
    Caller,
    KeyChecker,
    NotAuthenticated,
    Role,
    parse_role,
    require,
)
from service.settings import Settings
from service.store.port import GraphStore

BEARER_HINT = "send the API key as 'Authorization: Bearer <key>'"


# The dependencies are coroutines although they never wait: FastAPI runs a plain function
# in its thread pool, two thread hops per request for a dictionary lookup.


async def get_store(request: HTTPConnection) -> GraphStore:
    """The store the application opened at start-up."""
    store: GraphStore = request.app.state.store
    return store


async def get_app_settings(request: HTTPConnection) -> Settings:
    """The settings the application was created with."""
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True)
class Credential:
    """What a caller presented (a token, or nothing) and how to check it again."""

    token: str | None
    keys: KeyChecker | None
    anonymous: Role | None

    async def caller(self) -> Caller:
        """Who this is now: checked each time, so a revoked key stops working."""
        if self.token is None:
            return Caller(key_id=None, role=self.anonymous)
        if self.keys is None:
            raise NotAuthenticated("API keys are not checked here")
        return await self.keys.caller_of(self.token)


def bearer_token(header: str | None) -> str | None:
    """The key in an 'Authorization: Bearer <key>' value (None when there is no header)."""
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(BEARER_HINT)
    return token.strip()


def credential_of(connection: HTTPConnection, token: str | None) -> Credential:
    """A credential for `token` (None: anonymous) checked against this application's keys."""
    anonymous = connection.app.state.settings.anonymous_access
    return Credential(
        token=token,
        keys=connection.app.state.keys,
        anonymous=None if anonymous == "none" else parse_role(anonymous),
    )


async def get_credential(request: HTTPConnection) -> Credential:
    """The credential in the request's Authorization header."""
    return credential_of(request, bearer_token(request.headers.get("authorization")))


async def get_role(credential: Annotated[Credential, Depends(get_credential)]) -> Role | None:
    """The caller's role: from its API key, else what anonymous callers get (None: nothing)."""
    return (await credential.caller()).role


def require_role(needed: Role, *, what: str) -> Callable[..., Awaitable[Role]]:
    """A dependency that lets a request through only with at least `needed`."""

    async def check(role: Annotated[Role | None, Depends(get_role)]) -> Role:
        require(role, needed, what=what)
        assert role is not None
        return role

    return check


StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
