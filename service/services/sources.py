"""docs/sources.md: what each seeded firm rests on, written from the seed files themselves.

Per firm: the paper behind it, the places each kind of record cites, and every assumption,
so a reader comparing kflow's answers with the papers sees at once which parts are the
papers' and which are ours.
"""

from collections import defaultdict
from pathlib import Path

from service.model.case import RECORD_SECTIONS, CaseFile, Fact
from service.model.enums import PAPER_TITLES, Paper
from service.services.seeding import SEED_DIR, list_case_files, validate_case_files
from service.settings import PROJECT_ROOT

SOURCES_PATH = PROJECT_ROOT / "docs" / "sources.md"


def _records(case: CaseFile) -> list[tuple[str, str, Fact]]:
    """Each record of a case as (section, id, record), the firm first."""
    found: list[tuple[str, str, Fact]] = [("firm", case.firm.id, case.firm)]
    for section in RECORD_SECTIONS:
        found += [(section, record.id, record) for record in getattr(case, section)]
    return found


def _firm_page(case: CaseFile) -> list[str]:
    records = _records(case)
    papers = sorted({str(record.cite.paper) for _, _, record in records})
    lines = [
        f"## {case.firm.name} (`{case.case}`)",
        "",
        "Paper: " + "; ".join(PAPER_TITLES[Paper(p)] for p in papers) + ".",
        "",
        "| records | how many | cited places | with an assumption |",
        "| --- | --- | --- | --- |",
    ]
    by_section: dict[str, list[Fact]] = defaultdict(list)
    for section, _, record in records:
        by_section[section].append(record)
    for section, facts in by_section.items():
        # A citation may name several places ("Table 4; Appendix 2"): each is listed once.
        places = sorted({part.strip() for fact in facts for part in fact.cite.where.split(";")})
        assumed = sum(1 for fact in facts if fact.assumption)
        where = "; ".join(places).replace("|", "\\|")
        lines.append(f"| {section} | {len(facts)} | {where} | {assumed} |")
    assumptions = [(s, i, r.assumption) for s, i, r in records if r.assumption]
    lines += ["", f"Assumptions ({len(assumptions)}):" if assumptions else "No assumptions.", ""]
    lines += [f"- {section} `{record_id}`: {text}" for section, record_id, text in assumptions]
    return [*lines, ""] if assumptions else lines


def render_sources(seed_dir: Path = SEED_DIR) -> str:
    """The text of docs/sources.md for the case files of a seed directory."""
    cases = validate_case_files(list(list_case_files(seed_dir).values()))
    total = sum(len(_records(case)) for case in cases)
    assumed = sum(1 for case in cases for *_, r in _records(case) if r.assumption)
    lines = [
        "# Sources of the seeded demos",
        "",
        "Generated from `seed/` by `kflow sources`; do not edit by hand (a test fails when",
        "this page and the seed files disagree). Every record cites its paper and the table,",
        "figure, section or appendix it rests on; what the paper does not state is the",
        "record's assumption, listed in full below each firm.",
        "",
        f"{len(cases)} firms, {total} records, {assumed} of them with an assumption.",
        "",
    ]
    for case in sorted(cases, key=lambda c: c.case):
        lines += _firm_page(case)
    return "\n".join(lines).rstrip("\n") + "\n"
