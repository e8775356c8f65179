"""Exporting cases as JSON and importing them back, on the in-memory store: an export is the
seed data, reads back as the same cases, and an import that is wrong anywhere writes nothing."""

import functools
import json
from typing import Any

import pytest

from service.model.case import CaseFile, canonical_json
from service.model.files import CaseFileInvalid
from service.services.exchange import export_cases, import_cases, render_cases_json
from service.services.seeding import list_case_files, load_case, validate_case_files
from tests.fakes import MemoryStore
from tests.helpers import SEED_DIR, as_case, tiny_firm

pytestmark = pytest.mark.unit


@functools.cache
def demos() -> tuple[CaseFile, ...]:
    """The seed directory's cases, read once for the module."""
    return tuple(validate_case_files(list(list_case_files(SEED_DIR).values())))


@pytest.fixture
async def seeded() -> MemoryStore:
    store = MemoryStore()
    for case in demos():
        await load_case(store, case=case)
    return store


def normalized(records: Any) -> Any:
    """Records as JSON with every list sorted: order within a section carries no meaning."""

    def sort(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: sort(v) for k, v in value.items()}
        if isinstance(value, list):
            return sorted((sort(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
        return value

    return sort([r.model_dump(mode="json") for r in records])


async def test_the_json_export_is_the_seed_data(seeded: MemoryStore) -> None:
    original = {c.firm.id: c for c in demos()}
    exported = await export_cases(seeded)
    assert [case.firm.id for case in exported] == sorted(original)
    for case in exported:
        source = original[case.firm.id]
        for section in ("units", "flows", "integrations", "learning", "projects", "support"):
            assert normalized(getattr(case, section)) == normalized(getattr(source, section)), (
                case.firm.id,
                section,
            )


async def test_an_export_imported_into_an_empty_store_gives_the_same_export(
    seeded: MemoryStore,
) -> None:
    exported = render_cases_json(await export_cases(seeded))
    fresh = MemoryStore()
    summaries = await import_cases(fresh, text=exported, name="kflow.json")
    assert all(summary.written for summary in summaries)
    assert render_cases_json(await export_cases(fresh)) == exported
    again = await import_cases(fresh, text=exported, name="kflow.json")
    assert not any(summary.written for summary in again)


def export_of(*documents: dict[str, Any]) -> str:
    return json.dumps({"format": "kflow-cases/1", "cases": list(documents)})


NAMELESS_FIRM = tiny_firm("bolt")
del NAMELESS_FIRM["firm"]["name"]


@pytest.mark.parametrize(
    ("text", "file", "line", "field", "message"),
    [
        ("{}", "in.json", None, "format", "not a kflow export (want format 'kflow-cases/1')"),
        ('{"format": "kflow-cases/1",\n "cases": [}', "in.json", 2, "", "not valid JSON"),
        ('{"format": "kflow-cases/1", "cases": 3}', "in.json", None, "cases", "must be a list"),
        ("[" * 100_000, "in.json", None, "", "nested too deeply"),
        (
            export_of(tiny_firm("acme"), NAMELESS_FIRM),
            "in.json#cases[1]",
            None,
            "firm.name",
            "Field required",
        ),
    ],
    ids=["not an export", "broken JSON", "cases not a list", "too deep", "a field missing"],
)
async def test_a_broken_import_names_the_problem_and_writes_nothing(
    text: str, file: str, line: int | None, field: str, message: str
) -> None:
    store = MemoryStore()
    with pytest.raises(CaseFileInvalid) as refused:
        await import_cases(store, text=text, name="in.json")
    problem = refused.value.problems[0]
    assert (problem.file, problem.line, problem.path) == (file, line, field)
    assert message in problem.message
    assert await store.cases.list_firm_ids() == []


async def test_an_import_whose_ids_another_firm_holds_writes_nothing() -> None:
    store = MemoryStore()
    await store.cases.put_case(as_case(tiny_firm("acme")))
    thief = tiny_firm("bolt")
    thief["units"][4]["id"] = "acme-de"
    with pytest.raises(CaseFileInvalid, match="id 'acme-de' already belongs to firm 'acme'"):
        await import_cases(store, text=export_of(tiny_firm("new"), thief), name="in.json")
    assert await store.cases.list_firm_ids() == ["acme"]
    acme = await store.cases.read_case("acme")
    assert acme is not None and canonical_json(acme) == canonical_json(as_case(tiny_firm("acme")))
