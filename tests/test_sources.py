"""docs/sources.md, the page of every firm and every assumption the seeds make, is generated
from the seed files and kept in step with them."""

from pathlib import Path

import pytest
import yaml

from service.model.files import parse_case_file
from service.services.seeding import list_case_files
from service.services.sources import SOURCES_PATH, render_sources
from tests.helpers import tiny_firm

pytestmark = pytest.mark.unit


def test_docs_sources_is_generated_from_the_seed_files() -> None:
    text = render_sources()
    assert SOURCES_PATH.read_text(encoding="utf-8") == text, "run `kflow sources`"
    # Every firm and every assumption of the seeds is on the page.
    for path in list_case_files().values():
        case = parse_case_file(path)
        assert f"(`{case.case}`)" in text
        for section in ("learning", "flows", "integrations", "support", "case_analyses"):
            for record in getattr(case, section):
                if record.assumption:
                    assert f"`{record.id}`: {record.assumption}" in text


def test_a_stale_sources_page_is_refused(tmp_path: Path) -> None:
    seeds = tmp_path / "seed"
    seeds.mkdir()
    (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm()), encoding="utf-8")
    page = render_sources(seeds)
    assert "1 firms, 6 records, 0 of them with an assumption." in page
    document = tiny_firm()
    document["units"][3]["assumption"] = "the UK unit's reporting line is ours"
    (seeds / "acme.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    assert render_sources(seeds) != page
    assert "- units `acme-uk`: the UK unit's reporting line is ours" in render_sources(seeds)
