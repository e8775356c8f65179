"""The backup written a page at a time is, byte for byte, the document that rendering the
whole cases gave: the same cases, the same layout, so old backups and new ones read alike."""

import datetime
import io
import json

import pytest

from service.services.backup import BACKUP_FORMAT, write_backup
from service.services.exchange import export_cases, render_cases_json
from service.services.seeding import list_case_files, seed_cases
from service.services.synthetic import SIZES, generate_firm
from service.store import case_json
from service.store.port import GraphStore
from tests.helpers import SEED_DIR

pytestmark = pytest.mark.integration


@pytest.fixture
async def seeded(store: GraphStore) -> GraphStore:
    """The demo seed, a small synthetic firm (units with hundreds of flows) and an API key."""
    await seed_cases(store, paths=list(list_case_files(SEED_DIR).values()))
    await generate_firm(store, size=SIZES["small"], firm_id="streamed")
    await store.keys.add_key(
        {"id": "k1", "name": "ops", "role": "admin", "hash": "0" * 64, "created_at": 1}
    )
    return store


async def rendered_whole(store: GraphStore, created_at: str) -> str:
    """The backup as it was rendered before streaming: the whole cases, dumped, read back and
    dumped again with the format, the time and the keys."""
    document = json.loads(render_cases_json(await export_cases(store)))
    document.update(
        format=BACKUP_FORMAT, created_at=created_at, api_keys=await store.keys.list_key_records()
    )
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


async def test_the_streamed_backup_is_the_whole_rendering(
    seeded: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    await write_backup(seeded, out)
    streamed = out.getvalue()
    created_at = json.loads(streamed)["created_at"]
    assert datetime.datetime.fromisoformat(created_at).tzinfo is not None
    assert streamed == await rendered_whole(seeded, created_at)

    # Small pages and short spool runs: records of a section from many pages and runs
    # (flows sorted across runs) come out in the same order.
    monkeypatch.setattr(case_json, "SPOOL_RUN_RECORDS", 50)
    firms = await seeded.cases.list_firm_ids()
    assert "streamed" in firms and "huawei" in firms
    for firm in firms:
        case = await seeded.cases.read_case(firm)
        assert case is not None
        whole = json.dumps(
            case.model_dump(mode="json", by_alias=True, exclude_none=True),
            indent=2,
            ensure_ascii=False,
        )
        paged = io.StringIO()
        assert await case_json.write_case_json(seeded, paged, firm_id=firm, depth=0, page_nodes=7)
        assert paged.getvalue() == whole, firm


async def test_an_empty_store_backs_up_as_an_empty_document(store: GraphStore) -> None:
    out = io.StringIO()
    await write_backup(store, out)
    document = json.loads(out.getvalue())
    assert out.getvalue() == await rendered_whole(store, document["created_at"])
    assert (document["cases"], document["api_keys"]) == ([], [])
