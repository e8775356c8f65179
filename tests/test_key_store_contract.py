"""The key capability of the store port, the same on every store that offers it: the two
adapters and the in-memory store the unit tests use."""

import pytest

from service.store.port import GraphStore


def record(key_id: str, *, created_at: int, role: str = "reader") -> dict[str, object]:
    return {
        "id": key_id,
        "name": f"key {key_id}",
        "role": role,
        "hash": f"hash-{key_id}",
        "created_at": created_at,
    }


async def test_a_key_is_kept_and_read_back_with_its_hash_only_where_asked(
    any_store: GraphStore,
) -> None:
    added = await any_store.keys.add_key(record("k1", created_at=5))
    assert added == {
        "id": "k1",
        "name": "key k1",
        "role": "reader",
        "created_at": 5,
        "revoked_at": None,
    }
    assert await any_store.keys.get_key("k1") == {**added, "hash": "hash-k1"}
    assert await any_store.keys.get_key("k2") is None
    assert await any_store.keys.list_keys() == [added]
    assert await any_store.keys.list_key_records() == [{**added, "hash": "hash-k1"}]


async def test_keys_are_listed_newest_first_and_records_by_id(any_store: GraphStore) -> None:
    for key_id, created_at in [("b", 1), ("a", 3), ("c", 3)]:
        await any_store.keys.add_key(record(key_id, created_at=created_at))
    assert [key["id"] for key in await any_store.keys.list_keys()] == ["a", "c", "b"]
    assert [key["id"] for key in await any_store.keys.list_key_records()] == ["a", "b", "c"]


async def test_a_revocation_keeps_its_first_time(any_store: GraphStore) -> None:
    await any_store.keys.add_key(record("k1", created_at=1))
    first = await any_store.keys.revoke_key("k1", at=10)
    again = await any_store.keys.revoke_key("k1", at=20)
    assert first is not None and again is not None
    assert first["revoked_at"] == again["revoked_at"] == 10
    assert await any_store.keys.revoke_key("nobody", at=10) is None


async def test_keys_of_a_bulk_load_are_in_when_the_block_ends(any_store: GraphStore) -> None:
    async with any_store.bulk_load(with_keys=True) as load:
        await load.keys.add_key(record("k1", created_at=1))
    assert [key["id"] for key in await any_store.keys.list_keys()] == ["k1"]


async def test_a_failed_load_with_the_keys_leaves_no_key_of_it(any_store: GraphStore) -> None:
    # A load with the keys is a whole store's (a restore), into an empty store: on every
    # backend a failed one leaves the store as empty as it found it.
    with pytest.raises(RuntimeError):
        async with any_store.bulk_load(with_keys=True) as load:
            await load.keys.add_key(record("during", created_at=2))
            raise RuntimeError("the load failed")
    assert await any_store.keys.list_keys() == []
    assert load.staged
