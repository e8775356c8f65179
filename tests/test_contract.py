"""schema/ and the README's settings table say what the code does, and nothing else."""

import re

import pytest

from service.contract import SCHEMA_DIR, render_contract
from service.model.graph import node_properties, relationship_properties
from service.settings import Settings
from tests.helpers import REPO

pytestmark = pytest.mark.unit

GRAPH_MODEL = (SCHEMA_DIR / "graph-model.md").read_text(encoding="utf-8")


def _names(cell: str) -> set[str]:
    without_enums = re.sub(r"\([^)]*\)", "", cell)
    return {name.strip() for name in without_enums.split(",") if name.strip()}


def _table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("| ---"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            rows.append(cells)
    return rows


def documented_nodes() -> dict[str, set[str]]:
    sections = re.split(r"^### :(\w+).*$", GRAPH_MODEL, flags=re.M)
    documented = {}
    for label, body in zip(sections[1::2], sections[2::2], strict=True):
        rows = _table_rows(body.split("\n## ")[0])
        documented[label] = set().union(*(_names(row[0]) for row in rows[1:]))
    return documented


def documented_relationships() -> dict[str, set[str]]:
    body = GRAPH_MODEL.split("## Relationship types", 1)[1]
    return {row[0]: _names(row[2]) for row in _table_rows(body)[1:]}


def test_the_generated_contract_files_are_up_to_date() -> None:
    stale = [
        name
        for name, text in render_contract().items()
        if (SCHEMA_DIR / name).read_text(encoding="utf-8") != text
    ]
    assert stale == [], "run `kflow schema export` and commit schema/"


def test_the_graph_model_page_documents_every_label_and_property() -> None:
    assert documented_nodes() == node_properties()


def test_the_graph_model_page_documents_every_relationship_and_property() -> None:
    assert documented_relationships() == relationship_properties()


def test_the_readme_settings_table_lists_every_setting() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    documented = {row[0].strip("`") for row in _table_rows(table)[1:]}
    assert documented == {f"KFLOW_{name.upper()}" for name in Settings.model_fields}
