"""Seeding: choose case files, validate them all (against each other and the graph), load."""

from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from service.model.case import CaseFile, canonical_json, count_records
from service.model.files import CaseFileInvalid, FileProblem, parse_case_file
from service.settings import PROJECT_ROOT
from service.store.cases import node_ids
from service.store.port import GraphStore

SEED_DIR = PROJECT_ROOT / "seed"
SEED_SUFFIXES = (".yaml", ".yml", ".json")


class LoadSummary(BaseModel):
    case: str
    firm: str
    written: bool
    records: dict[str, int]
    nodes_before: int
    nodes_after: int
    relationships_before: int
    relationships_after: int


class UnknownCase(Exception):
    """A case name with no file in the seed directory."""


def list_case_files(seed_dir: Path = SEED_DIR) -> dict[str, Path]:
    """The case files of a seed directory, by case name (the file's stem)."""
    if not seed_dir.is_dir():
        raise UnknownCase(f"the seed directory {seed_dir} does not exist")
    files = {p.stem: p for p in sorted(seed_dir.iterdir()) if p.suffix in SEED_SUFFIXES}
    if not files:
        raise UnknownCase(f"no case files ({', '.join(SEED_SUFFIXES)}) in {seed_dir}")
    return files


def select_case_files(names: Sequence[str], seed_dir: Path = SEED_DIR) -> list[Path]:
    """The files for the named cases (all of them when none is named)."""
    available = list_case_files(seed_dir)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise UnknownCase(
            f"no case named {', '.join(unknown)} in {seed_dir}; "
            f"the cases are: {', '.join(available)}"
        )
    return [available[n] for n in names] if names else list(available.values())


def validate_case_files(paths: Sequence[Path]) -> list[CaseFile]:
    """Parse every file and check that no two share an id; raise with every problem found."""
    cases: list[CaseFile] = []
    problems: list[FileProblem] = []
    owners: dict[str, Path] = {}
    for path in paths:
        try:
            case = parse_case_file(path)
        except CaseFileInvalid as err:
            problems.extend(err.problems)
            continue
        if path.stem != case.case:
            problems.append(
                FileProblem(
                    str(path),
                    "case",
                    None,
                    f"the case is named '{case.case}' but its file is "
                    f"'{path.name}': name the file {case.case}{path.suffix}",
                )
            )
        for record_id in case_ids(case):
            if record_id in owners:
                problems.append(
                    FileProblem(
                        str(path), "", None, f"id '{record_id}' is also used in {owners[record_id]}"
                    )
                )
            owners.setdefault(record_id, path)
        cases.append(case)
    if problems:
        raise CaseFileInvalid(problems)
    return cases


def case_ids(case: CaseFile) -> list[str]:
    """Every node id a case defines."""
    return list(node_ids(case))


async def check_against_graph(store: GraphStore, *, case: CaseFile, name: str) -> None:
    """Refuse a case whose ids already belong to another firm in the graph."""
    taken = await store.cases.find_foreign_ids(firm_id=case.firm.id, ids=case_ids(case))
    if taken:
        raise CaseFileInvalid(
            [
                FileProblem(
                    name, "", None, f"id '{node_id}' already belongs to firm '{firm}' in the graph"
                )
                for node_id, firm in sorted(taken.items())
            ]
        )


async def load_case(store: GraphStore, *, case: CaseFile) -> LoadSummary:
    """Write one validated case in one atomic write, replacing its previous version.

    A case the graph already holds unchanged is not written again.
    """
    cases = store.cases
    nodes_before, rels_before = await cases.count_graph()
    current = await cases.read_case(case.firm.id)
    written = current is None or canonical_json(current) != canonical_json(case)
    if written:
        await cases.put_case(case)
    nodes_after, rels_after = await cases.count_graph()
    return LoadSummary(
        case=case.case,
        firm=case.firm.id,
        written=written,
        records=dict(count_records(case)),
        nodes_before=nodes_before,
        nodes_after=nodes_after,
        relationships_before=rels_before,
        relationships_after=rels_after,
    )


async def seed_cases(
    store: GraphStore,
    *,
    paths: Sequence[Path],
    on_loaded: Callable[[LoadSummary], None] = lambda _: None,
) -> list[LoadSummary]:
    """Validate all the files, then load each case in one atomic write."""
    cases = validate_case_files(paths)
    for case, path in zip(cases, paths, strict=True):
        await check_against_graph(store, case=case, name=str(path))
    summaries = []
    for case in cases:
        summary = await load_case(store, case=case)
        on_loaded(summary)
        summaries.append(summary)
    return summaries
