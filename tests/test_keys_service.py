"""The API key service on the in-memory store: issuing, listing, revoking and checking keys,
without an engine."""

import pytest

from service.services import access
from service.services.access import KeyChecker, NotAuthenticated, Role
from service.services.errors import ExpectedFailure, NotFound
from tests.fakes import MemoryStore

pytestmark = pytest.mark.unit


async def test_an_issued_token_opens_with_its_role_and_only_its_hash_is_kept() -> None:
    store = MemoryStore()
    issued = await access.create_api_key(store.keys, name=" ci ", role=Role.ANALYST)
    assert issued.key.name == "ci" and issued.key.role == "analyst"
    assert issued.token.startswith(f"kflow_{issued.key.id}_")
    (kept,) = await store.keys.list_key_records()
    secret = issued.token.rsplit("_", 1)[1]
    assert secret not in str(kept) and kept["hash"] != secret
    caller = await KeyChecker(store.keys).caller_of(issued.token)
    assert (caller.key_id, caller.role) == (issued.key.id, Role.ANALYST)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_a_key_needs_a_name_of_one_to_a_hundred_characters(name: str) -> None:
    store = MemoryStore()
    with pytest.raises(ExpectedFailure, match="1-100 characters"):
        await access.create_api_key(store.keys, name=name, role=Role.READER)
    assert await store.keys.list_keys() == []


async def test_keys_are_listed_without_secrets_newest_first() -> None:
    store = MemoryStore()
    first = await access.create_api_key(store.keys, name="first", role=Role.READER)
    second = await access.create_api_key(store.keys, name="second", role=Role.ADMIN)
    listed = await access.list_api_keys(store.keys)
    assert {key.id for key in listed} == {first.key.id, second.key.id}
    assert all("hash" not in key.model_dump() for key in listed)


async def test_a_revoked_key_is_refused_once_the_cache_has_expired(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = MemoryStore()
    issued = await access.create_api_key(store.keys, name="ci", role=Role.EDITOR)
    checker = KeyChecker(store.keys)
    now = [1000.0]
    monkeypatch.setattr(access.time, "monotonic", lambda: now[0])
    assert await checker.role_of(issued.token) is Role.EDITOR
    revoked = await access.revoke_api_key(store.keys, key_id=issued.key.id)
    assert revoked.revoked_at is not None
    assert await checker.role_of(issued.token) is Role.EDITOR  # cached for a few seconds
    now[0] += access.CACHE_SECONDS
    with pytest.raises(NotAuthenticated, match="revoked"):
        await checker.role_of(issued.token)


async def test_revoking_an_unknown_key_names_it() -> None:
    with pytest.raises(NotFound, match="no API key with id 'nobody'"):
        await access.revoke_api_key(MemoryStore().keys, key_id="nobody")


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        ("not-a-key", "malformed"),
        ("kflow_000000000000_" + "a" * 43, "not valid"),
    ],
)
async def test_a_token_that_is_not_a_live_key_is_refused(token: str, problem: str) -> None:
    store = MemoryStore()
    await access.create_api_key(store.keys, name="ci", role=Role.READER)
    with pytest.raises(NotAuthenticated, match=problem):
        await KeyChecker(store.keys).caller_of(token)


async def test_a_token_with_a_wrong_secret_is_refused() -> None:
    store = MemoryStore()
    issued = await access.create_api_key(store.keys, name="ci", role=Role.READER)
    forged = issued.token[:-1] + ("A" if issued.token[-1] != "A" else "B")
    with pytest.raises(NotAuthenticated, match="not valid"):
        await KeyChecker(store.keys).caller_of(forged)


async def test_the_cache_holds_a_bounded_number_of_keys() -> None:
    store = MemoryStore()
    checker = KeyChecker(store.keys, max_entries=2)
    tokens = [
        (await access.create_api_key(store.keys, name=f"k{i}", role=Role.READER)).token
        for i in range(3)
    ]
    for token in tokens:
        await checker.role_of(token)
    assert len(checker._cache) == 2


async def test_roles_are_ordered_and_checked() -> None:
    access.require(Role.ADMIN, Role.EDITOR, what="x")
    with pytest.raises(access.NotAllowed, match="needs the editor role; this key is reader"):
        access.require(Role.READER, Role.EDITOR, what="x")
    with pytest.raises(NotAuthenticated, match="needs an API key with the reader role"):
        access.require(None, Role.READER, what="x")
    with pytest.raises(ExpectedFailure, match="unknown role 'owner'"):
        access.parse_role("owner")
