"""The case capability of the store port, the same on every store: the two adapters and the
in-memory store the unit tests of services run on. Same cases in, same cases and JSON out,
the same refusals, and nothing of a refused write left behind."""

import io
import json

import pytest

from service.model.case import CaseFile, canonical_json
from service.model.files import parse_case_file
from service.store.port import GraphStore, ParameterValueError
from tests.helpers import SEED_DIR, as_case, tiny_firm, tiny_flow

# A firm with units, flows, learning, knowledge, resources and integration events; every
# section of every demo is read back from both engines in tests/test_seeds.py.
HUAWEI = parse_case_file(SEED_DIR / "huawei.yaml")


def acme(**sections: object) -> CaseFile:
    return as_case(tiny_firm("acme", **sections))


def as_json(case: CaseFile, *, depth: int) -> str:
    """The case as `write_case_json` renders it, from the model's own dump."""
    text = json.dumps(
        case.model_dump(mode="json", by_alias=True, exclude_none=True), indent=2, ensure_ascii=False
    )
    return text.replace("\n", "\n" + "  " * depth)


async def test_an_empty_store_holds_no_case(any_store: GraphStore) -> None:
    out = io.StringIO()
    assert await any_store.cases.list_firm_ids() == []
    assert await any_store.cases.read_case("acme") is None
    assert not await any_store.cases.write_case_json(out, firm_id="acme", depth=0, prefix="[")
    assert out.getvalue() == ""
    assert await any_store.cases.find_foreign_ids(firm_id="acme", ids=["acme-hq"]) == {}
    assert await any_store.cases.count_graph() == (0, 0)


async def test_a_case_put_is_read_back_as_it_was_given(any_store: GraphStore) -> None:
    small = acme(flows=[tiny_flow("f1", "uk", "de", "horizontal", date="2003-04")])
    await any_store.cases.put_case(HUAWEI)
    await any_store.cases.put_case(small)
    assert await any_store.cases.list_firm_ids() == ["acme", "huawei"]
    for case in (HUAWEI, small):
        read = await any_store.cases.read_case(case.firm.id)
        assert read is not None and canonical_json(read) == canonical_json(case)


async def test_a_case_is_written_as_json_at_its_depth_after_its_prefix(
    any_store: GraphStore,
) -> None:
    await any_store.cases.put_case(HUAWEI)
    read = await any_store.cases.read_case("huawei")
    out = io.StringIO()
    assert await any_store.cases.write_case_json(out, firm_id="huawei", depth=2, prefix=",\n    ")
    assert read is not None and out.getvalue() == ",\n    " + as_json(read, depth=2)
    # Records come by id, whatever order the file gave them in.
    assert [unit.id for unit in read.units] == sorted(unit.id for unit in HUAWEI.units)


async def test_a_case_put_again_replaces_the_firms_previous_version_only(
    any_store: GraphStore,
) -> None:
    await any_store.cases.put_case(acme(flows=[tiny_flow("f1", "uk", "de", "horizontal")]))
    await any_store.cases.put_case(HUAWEI)
    smaller = tiny_firm("acme")
    smaller["units"] = [u for u in smaller["units"] if u["id"] != "acme-de"]
    await any_store.cases.put_case(as_case(smaller))
    read = await any_store.cases.read_case("acme")
    assert read is not None and canonical_json(read) == canonical_json(as_case(smaller))
    assert not read.flows and "acme-de" not in {u.id for u in read.units}
    huawei = await any_store.cases.read_case("huawei")
    assert huawei is not None and canonical_json(huawei) == canonical_json(HUAWEI)


async def test_ids_another_firm_holds_are_found_with_their_firm(any_store: GraphStore) -> None:
    await any_store.cases.put_case(acme())
    await any_store.cases.put_case(as_case(tiny_firm("bolt")))
    asked = ["acme-uk", "bolt-hq", "nobody", "acme"]
    assert await any_store.cases.find_foreign_ids(firm_id="bolt", ids=asked) == {
        "acme-uk": "acme",
        "acme": "acme",
    }
    assert await any_store.cases.find_foreign_ids(firm_id="acme", ids=["acme-uk"]) == {}


async def test_the_graph_counts_a_cases_nodes_and_not_a_rewrite(any_store: GraphStore) -> None:
    case = acme(flows=[tiny_flow("f1", "uk", "de", "horizontal")])
    await any_store.cases.put_case(case)
    nodes, relationships = await any_store.cases.count_graph()
    assert nodes == 1 + len(case.units)
    # Each unit's link to the firm, four reporting lines, a flow and its pair's SENDS at least.
    assert relationships >= len(case.units) + 4 + 2
    await any_store.cases.put_case(case)
    assert await any_store.cases.count_graph() == (nodes, relationships)


async def test_a_value_the_engines_cannot_take_is_refused_and_nothing_is_written(
    any_store: GraphStore,
) -> None:
    await any_store.cases.put_case(acme())
    before = await any_store.cases.count_graph()
    # The case model refuses such text from a file; a case built in code may still hold it.
    unit = acme().units[3]
    broken = acme().model_copy(update={"units": (unit.model_copy(update={"name": "uk\x00"}),)})
    with pytest.raises(ParameterValueError, match="NUL"):
        await any_store.cases.put_case(broken)
    with pytest.raises(ParameterValueError, match="NUL"):
        await any_store.cases.put_case(
            as_case(tiny_firm("bolt")).model_copy(update={"title": "b\x00"})
        )
    read = await any_store.cases.read_case("acme")
    assert read is not None and canonical_json(read) == canonical_json(acme())
    assert await any_store.cases.list_firm_ids() == ["acme"]
    assert await any_store.cases.count_graph() == before


async def test_a_snapshot_reads_the_cases_the_store_holds(any_store: GraphStore) -> None:
    await any_store.cases.put_case(HUAWEI)
    async with any_store.snapshot() as frozen:
        assert await frozen.cases.list_firm_ids() == ["huawei"]
        read = await frozen.cases.read_case("huawei")
        out = io.StringIO()
        assert await frozen.cases.write_case_json(out, firm_id="huawei", depth=0)
    assert read is not None and canonical_json(read) == canonical_json(HUAWEI)
    assert out.getvalue() == as_json(read, depth=0)
