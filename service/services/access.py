"""API keys and roles: who may read, query, change or administer the graph.

A token is `kflow_<id>_<secret>`; the graph keeps only the SHA-256 of the secret (a
random 256-bit value, so a fast hash is enough), looked up by the id. Keys are cached for
a few seconds, so a revocation takes effect on every replica within that time.
"""

import hashlib
import hmac
import re
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass
from enum import IntEnum

from pydantic import BaseModel

from service import cypher
from service.services.errors import ExpectedFailure, NotFound
from service.store.port import GraphStore

KEYS = cypher.Folder("keys")
TOKEN_PREFIX = "kflow_"
KEY_ID_HEX = 12
SECRET_CHARS = 43  # secrets.token_urlsafe(32)
# The exact shape create_api_key issues; anything else is refused before any lookup, so a
# stream of made-up tokens costs no store round trip and no cache entry of its own.
TOKEN_SHAPE = re.compile(
    rf"{TOKEN_PREFIX}(?P<id>[0-9a-f]{{{KEY_ID_HEX}}})_(?P<secret>[A-Za-z0-9_-]{{{SECRET_CHARS}}})"
)
CACHE_SECONDS = 5.0
CACHE_ENTRIES = 1024


class Role(IntEnum):
    """Each role can do everything the ones below it can."""

    READER = 1  # GraphQL queries and subscriptions
    ANALYST = 2  # plus /cypher, named queries, exports
    EDITOR = 3  # plus mutations, seed, import
    ADMIN = 4  # plus key management

    @property
    def label(self) -> str:
        """The role's name as users write it."""
        return self.name.lower()


def parse_role(name: str) -> Role:
    """A role from its name, e.g. 'analyst'."""
    try:
        return Role[name.upper()]
    except KeyError:
        choices = ", ".join(r.label for r in Role)
        raise ExpectedFailure(f"unknown role '{name}': use one of {choices}") from None


class NotAuthenticated(ExpectedFailure):
    """No valid API key where one is needed."""

    code = "UNAUTHENTICATED"


class NotAllowed(ExpectedFailure):
    """The key's role does not allow this."""

    code = "FORBIDDEN"


class ApiKey(BaseModel):
    id: str
    name: str
    role: str
    created_at: int
    revoked_at: int | None = None


class IssuedKey(BaseModel):
    key: ApiKey
    token: str  # shown once; never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_api_key(store: GraphStore, *, name: str, role: Role) -> IssuedKey:
    """Issue a key; its token is returned once and only its hash is kept."""
    if not name.strip() or len(name) > 100:
        raise ExpectedFailure("a key needs a name of 1-100 characters")
    key_id = secrets.token_hex(KEY_ID_HEX // 2)
    secret = secrets.token_urlsafe(32)
    record = {
        "id": key_id,
        "name": name.strip(),
        "role": role.label,
        "hash": _digest(secret),
        "created_at": time.time_ns() // 1_000_000,
    }
    rows = await store.write(KEYS.create_api_key, {"key": record})
    return IssuedKey(
        key=ApiKey.model_validate(rows[0]["key"]), token=f"{TOKEN_PREFIX}{key_id}_{secret}"
    )


async def list_api_keys(store: GraphStore) -> list[ApiKey]:
    """Every key, revoked ones included, without secrets."""
    return [ApiKey.model_validate(row["key"]) for row in await store.read(KEYS.list_api_keys)]


async def revoke_api_key(store: GraphStore, *, key_id: str) -> ApiKey:
    """Revoke a key for good."""
    rows = await store.write(
        KEYS.set_api_key_revoked, {"id": key_id, "at": time.time_ns() // 1_000_000}
    )
    if not rows:
        raise NotFound("API key", key_id)
    return ApiKey.model_validate(rows[0]["key"])


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the key's id (None when anonymous) and the role it grants."""

    key_id: str | None
    role: Role | None


class KeyChecker:
    """Checks presented tokens against the stored hashes, with a short, bounded cache."""

    def __init__(self, store: GraphStore, *, max_entries: int = CACHE_ENTRIES) -> None:
        self.store = store
        self.max_entries = max_entries
        self._cache: OrderedDict[str, tuple[float, dict[str, object] | None]] = OrderedDict()

    async def caller_of(self, token: str) -> Caller:
        """The key a token belongs to and its role; NotAuthenticated when it is not a live key."""
        shape = TOKEN_SHAPE.fullmatch(token)
        if shape is None:
            raise NotAuthenticated("the API key is malformed (expected kflow_<id>_<secret>)")
        key_id, secret = shape["id"], shape["secret"]
        record = await self._record(key_id)
        if record is None or not hmac.compare_digest(str(record["hash"]), _digest(secret)):
            raise NotAuthenticated("the API key is not valid")
        if record.get("revoked_at") is not None:
            raise NotAuthenticated("the API key has been revoked")
        return Caller(key_id=key_id, role=parse_role(str(record["role"])))

    async def role_of(self, token: str) -> Role:
        """The role a token grants; NotAuthenticated when it is not a live key."""
        role = (await self.caller_of(token)).role
        assert role is not None
        return role

    async def _record(self, key_id: str) -> dict[str, object] | None:
        cached = self._cache.get(key_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            self._cache.move_to_end(key_id)
            return cached[1]
        rows = await self.store.read(KEYS.get_api_key, {"id": key_id})
        record = rows[0]["key"] if rows else None
        self._cache[key_id] = (time.monotonic(), record)
        self._cache.move_to_end(key_id)
        while len(self._cache) > self.max_entries:
            self._cache.popitem(last=False)
        return record


def require(role: Role | None, needed: Role, *, what: str) -> None:
    """Raise unless `role` is at least `needed` (None means anonymous with no access)."""
    if role is None:
        raise NotAuthenticated(
            f"{what} needs an API key with the {needed.label} role "
            "(send it as 'Authorization: Bearer <key>')"
        )
    if role < needed:
        raise NotAllowed(f"{what} needs the {needed.label} role; this key is {role.label}")
