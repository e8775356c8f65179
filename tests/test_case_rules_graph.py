"""Bad case files are refused against the graph too: one bad file means nothing is written,
and a case cannot take over another firm's ids."""

from pathlib import Path

import pytest
import yaml

from service.model.files import CaseFileInvalid
from service.services.health import get_readiness
from service.services.seeding import seed_cases
from service.store.port import GraphStore
from tests.helpers import cite, tiny_firm

pytestmark = pytest.mark.integration


async def test_one_bad_file_means_nothing_is_written(store: GraphStore, tmp_path: Path) -> None:
    good = tiny_firm("acme")
    bad = tiny_firm(
        "bolt",
        flows=[
            {
                "id": "bolt-f",
                "from": "bolt-uk",
                "to": "acme-ccd",
                "direction": "upward",
                "mode": "planned",
                "cite": cite(),
            }
        ],
    )
    (tmp_path / "acme.yaml").write_text(yaml.safe_dump(good))
    (tmp_path / "bolt.yaml").write_text(yaml.safe_dump(bad))
    with pytest.raises(CaseFileInvalid) as failure:
        await seed_cases(store, paths=sorted(tmp_path.iterdir()))
    assert [str(p) for p in failure.value.problems] == [
        f"{tmp_path}/bolt.yaml:{failure.value.problems[0].line}: flows[0].to: "
        "unknown unit 'acme-ccd' (not a unit of this firm)"
    ]
    assert (await get_readiness(store)).nodes == 0


async def test_a_case_cannot_take_over_another_firms_ids(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme")))
    await seed_cases(store, paths=[tmp_path / "acme.yaml"])
    before = await get_readiness(store)
    intruder = tiny_firm("bolt")
    intruder["units"][3]["id"] = "acme-uk"
    intruder["units"][4]["reports_to"] = "bolt-europe"
    (tmp_path / "bolt.yaml").write_text(yaml.safe_dump(intruder))
    with pytest.raises(CaseFileInvalid, match="id 'acme-uk' already belongs to firm 'acme'"):
        await seed_cases(store, paths=[tmp_path / "bolt.yaml"])
    assert await get_readiness(store) == before
