"""Seeding on the in-memory store: files chosen by case name, checked together and against
the graph before anything is written, and a case the graph holds unchanged left alone."""

from pathlib import Path

import pytest
import yaml

from service.model.case import CaseFile, canonical_json
from service.model.files import CaseFileInvalid, parse_case_file
from service.services.seeding import (
    UnknownCase,
    list_case_files,
    load_case,
    seed_cases,
    select_case_files,
    validate_case_files,
)
from tests.fakes import MemoryCases, MemoryStore
from tests.helpers import SEED_DIR, as_case, tiny_firm, tiny_flow

pytestmark = pytest.mark.unit

CASES = (
    "huawei",
    "zte",
    "lenovo",
    "zoomlion",
    "chery",
    "haier",
    "tcl",
    "saic",
    "alpha",
    "beta",
    "gamma",
    # Senn, Thoma & Yip (2013): the six case research firms of their Table 3 and the
    # suppliers of their worked examples.
    *(f"senn-firm-{n}" for n in range(1, 7)),
    "senn-logistics",
    "senn-specialty-chemicals",
    "senn-shelving",
    "senn-wind-power",
    "senn-hospitality",
)


class CountedCases(MemoryCases):
    """Cases in memory that remember which firms' cases were written, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.written: list[str] = []

    async def put_case(self, case: CaseFile) -> None:
        await super().put_case(case)
        self.written.append(case.firm.id)


@pytest.fixture
def store() -> MemoryStore:
    store = MemoryStore()
    store.cases = CountedCases()
    return store


def written(store: MemoryStore) -> list[str]:
    assert isinstance(store.cases, CountedCases)
    return store.cases.written


def case_file(folder: Path, document: dict[str, object], name: str | None = None) -> Path:
    path = folder / f"{name or document['case']}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def test_every_case_of_the_papers_has_a_valid_seed_file() -> None:
    files = list_case_files(SEED_DIR)
    assert set(files) == set(CASES)
    assert len(validate_case_files(list(files.values()))) == len(CASES)


async def test_cases_load_once_and_a_second_seeding_rewrites_nothing(
    store: MemoryStore,
) -> None:
    paths = [SEED_DIR / f"{name}.yaml" for name in ("huawei", "beta", "senn-firm-1")]
    first = await seed_cases(store, paths=paths)
    assert all(summary.written for summary in first)
    assert written(store) == ["huawei", "beta", "senn-firm-1"] == [s.firm for s in first]
    again = await seed_cases(store, paths=paths)
    assert not any(summary.written for summary in again)
    assert len(written(store)) == len(paths)
    assert [(s.nodes_before, s.relationships_before) for s in again] == [
        (s.nodes_after, s.relationships_after) for s in again
    ]
    for path in paths:
        case = parse_case_file(path)
        read = await store.cases.read_case(case.firm.id)
        assert read is not None and canonical_json(read) == canonical_json(case)


async def test_a_changed_case_replaces_the_one_the_graph_holds(store: MemoryStore) -> None:
    await load_case(store, case=as_case(tiny_firm()))
    changed = as_case(tiny_firm(flows=[tiny_flow("f1", "uk", "de", "horizontal")]))
    summary = await load_case(store, case=changed)
    assert summary.written and summary.records["flows"] == 1
    assert summary.nodes_after == summary.nodes_before  # a flow is no node
    assert summary.relationships_after > summary.relationships_before
    assert written(store) == ["acme", "acme"]
    read = await store.cases.read_case("acme")
    assert read is not None and [f.id for f in read.flows] == ["f1"]


async def test_a_case_whose_ids_another_firm_holds_is_refused_before_any_is_written(
    store: MemoryStore, tmp_path: Path
) -> None:
    await load_case(store, case=as_case(tiny_firm()))
    thief = tiny_firm("bolt")
    thief["units"][3]["id"] = "acme-uk"
    new = case_file(tmp_path, tiny_firm("new"))
    with pytest.raises(CaseFileInvalid) as refused:
        await seed_cases(store, paths=[new, case_file(tmp_path, thief)])
    assert [p.message for p in refused.value.problems] == [
        "id 'acme-uk' already belongs to firm 'acme' in the graph"
    ]
    assert refused.value.problems[0].file == str(tmp_path / "bolt.yaml")
    assert await store.cases.list_firm_ids() == ["acme"]
    assert written(store) == ["acme"]


def test_files_that_share_an_id_or_misname_their_case_are_named_together(
    tmp_path: Path,
) -> None:
    first = case_file(tmp_path, tiny_firm("acme"))
    twin = tiny_firm("bolt")
    twin["units"][4]["id"] = "acme-de"
    second = case_file(tmp_path, twin, name="wrong")
    with pytest.raises(CaseFileInvalid) as refused:
        validate_case_files([first, second])
    messages = [p.message for p in refused.value.problems]
    assert messages == [
        "the case is named 'bolt' but its file is 'wrong.yaml': name the file bolt.yaml",
        f"id 'acme-de' is also used in {first}",
    ]
    assert {p.file for p in refused.value.problems} == {str(second)}


def test_a_case_is_chosen_by_its_files_name(tmp_path: Path) -> None:
    acme = case_file(tmp_path, tiny_firm("acme"))
    bolt = case_file(tmp_path, tiny_firm("bolt"))
    (tmp_path / "notes.txt").write_text("not a case")
    assert select_case_files([], tmp_path) == [acme, bolt]
    assert select_case_files(["bolt"], tmp_path) == [bolt]
    with pytest.raises(UnknownCase, match=r"no case named acne in .*; the cases are: acme, bolt"):
        select_case_files(["acne"], tmp_path)
    with pytest.raises(UnknownCase, match="does not exist"):
        list_case_files(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UnknownCase, match="no case files"):
        list_case_files(tmp_path / "empty")
