"""A firm's case read out of the graph a page at a time, as a case or written as JSON.

A backup of the large firm (1.3M records) that held its case whole, and its JSON twice,
peaked at 7.2 GB. So the firm's nodes are read a page at a time with the relationships that
start at them, each record is spooled to a file of its section as soon as its page is read,
and the case is then built (`read_case`) or written (`write_case_json`) section by section
from the spools. What stays in memory is a page, plus the ids that a record takes from
relationships ending at it (a learning event's unit, a resource's holder, a project's units
and dependencies). The text is exactly what rendering `read_case`'s case with
`json.dumps(indent=2)` gives.
"""

import functools
import heapq
import json
import tempfile
import typing
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TextIO

from pydantic import TypeAdapter

from service import cypher
from service.model.case import CaseFile, Firm
from service.model.graph import (
    DERIVED_SECTION_PROPERTIES,
    FACT_RELATIONSHIP_SECTIONS,
    NODE_SECTIONS,
)
from service.store.cases import RELATIONSHIP_PAGE_NODES, record_fields
from service.store.port import GraphReader

CASES = cypher.Folder("cases")
# The sections of a case after its head (case, title, firm), in the order a case lists them.
SECTIONS = list(CaseFile.model_fields)[3:]
# Relationship records (flows) sorted in memory at once before they go to a spool as a run.
SPOOL_RUN_RECORDS = 50_000
INDENT = 2

# A node's references read from the relationships that start at it: (field, type, first
# target only); the targets come sorted.
OUTGOING: dict[str, tuple[tuple[str, str, bool], ...]] = {
    "units": (("reports_to", "REPORTS_TO", True),),
    "knowledge": (("builds", "BUILDS", False),),
    "learning": (("source", "FROM", True), ("knowledge", "YIELDED", False)),
    "integrations": (
        ("sponsors", "SPONSORED_BY", False),
        ("beneficiaries", "BENEFITS", False),
        ("coordinator", "COORDINATED_BY", True),
        ("knowledge", "USED", False),
        ("resources", "INVOLVED", False),
    ),
    "projects": (
        ("customer", "FOR", True),
        ("third_actors", "INVOLVES", False),
        ("coordinator", "COORDINATED_BY", True),
    ),
    "tensions": (("units", "BETWEEN", False),),
}
# A node's references read from the first relationship of a type that ends at it.
INCOMING = {"LEARNED", "HOLDS"}


@functools.cache
def _section_adapter(section: str) -> TypeAdapter[list[Any]]:
    """Validates and dumps a list of one section's records."""
    model = typing.get_args(CaseFile.model_fields[section].annotation)[0]
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def render_json(value: Any, *, depth: int) -> str:
    """`value` as `json.dumps(indent=2)` renders it `depth` levels deep in a document."""
    text = json.dumps(value, indent=INDENT, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * (INDENT * depth))


def write_json_list(out: TextIO, items: Iterable[str], *, depth: int) -> None:
    """A list whose items are already rendered at `depth` + 1, as `json.dumps` lays it out."""
    pad = "\n" + " " * (INDENT * (depth + 1))
    empty = True
    for item in items:
        out.write(("[" if empty else ",") + pad + item)
        empty = False
    out.write("[]" if empty else "\n" + " " * (INDENT * depth) + "]")


class _Spools:
    """Each section's records as JSON lines in a directory of its own; relationship sections
    in runs sorted by id, merged when read back."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._files: dict[str, TextIO] = {}
        self._runs: dict[str, list[Path]] = defaultdict(list)
        self._pending: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def add(self, section: str, record: Any) -> None:
        """Append a node section's record (they come in id order)."""
        if section not in self._files:
            self._files[section] = (self.directory / f"{section}.jsonl").open("w", encoding="utf-8")
        self._files[section].write(json.dumps(record, ensure_ascii=False) + "\n")

    def add_unsorted(self, section: str, record: dict[str, Any]) -> None:
        """Keep a relationship section's record, sorted by id with the others of its run."""
        pending = self._pending[section]
        pending.append(record)
        if len(pending) >= SPOOL_RUN_RECORDS:
            self._flush(section)

    def _flush(self, section: str) -> None:
        path = self.directory / f"{section}-{len(self._runs[section])}.jsonl"
        with path.open("w", encoding="utf-8") as run:
            for record in sorted(self._pending.pop(section), key=lambda r: r["id"]):
                run.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._runs[section].append(path)

    def close(self) -> None:
        """Finish writing: every spool can be read from now on."""
        for section in list(self._pending):
            if self._pending[section]:
                self._flush(section)
        for spool in self._files.values():
            spool.close()

    def read(self, section: str) -> Iterator[Any]:
        """A section's records in order."""
        if section in self._files:
            with (self.directory / f"{section}.jsonl").open(encoding="utf-8") as spool:
                yield from (json.loads(line) for line in spool)
            return
        runs = [path.open(encoding="utf-8") for path in self._runs.get(section, [])]
        try:
            lines = [(json.loads(line) for line in run) for run in runs]
            yield from heapq.merge(*lines, key=lambda r: r["id"])
        finally:
            for run in runs:
                run.close()


def _targets(out: dict[tuple[str, str], list[str]], rel_type: str, source: str) -> list[str]:
    return sorted(out.get((rel_type, source), []))


async def _spool_case(
    store: GraphReader, *, firm_id: str, spools: _Spools, page_nodes: int
) -> dict[str, Any] | None:
    """Read a firm's nodes and relationships a page at a time into the spools; the firm
    node's properties and what records take from relationships ending at them."""
    firm: dict[str, Any] | None = None
    first_source: dict[tuple[str, str], str] = {}
    works_on: dict[str, list[dict[str, Any]]] = defaultdict(list)
    depends_on: dict[str, list[dict[str, Any]]] = defaultdict(list)
    after = ""
    while True:
        rows = await store.read(
            CASES.list_case_nodes_page, {"firmId": firm_id, "afterId": after, "limit": page_nodes}
        )
        if not rows:
            break
        nodes = [row["node"] for row in rows]
        after = nodes[-1]["properties"]["id"]
        rels = await store.read(
            CASES.list_case_relationships_page,
            {"firmId": firm_id, "firstId": nodes[0]["properties"]["id"], "lastId": after},
        )
        out: dict[tuple[str, str], list[str]] = defaultdict(list)
        for rel in (row["relationship"] for row in rels):
            rel_type, source, target = rel["type"], rel["from"], rel["to"]
            out[(rel_type, source)].append(target)
            if rel_type in INCOMING:
                first_source.setdefault((rel_type, target), source)
            props = {"from": source, "to": target, **rel["properties"]}
            if rel_type in FACT_RELATIONSHIP_SECTIONS:
                spools.add_unsorted(FACT_RELATIONSHIP_SECTIONS[rel_type], props)
            elif rel_type == "WORKS_ON":
                works_on[target].append({"unit": source, "part": props.get("part")})
            elif rel_type == "DEPENDS_ON":
                depends_on[props["project"]].append(
                    {"from": source, "to": target, "kind": props["kind"]}
                )
        for node in nodes:
            props = node["properties"]
            for label in node["labels"]:
                section = NODE_SECTIONS.get(label)
                if section == "firm":
                    firm = props
                elif section:
                    refs = {
                        field: (found[0] if found else None) if only_first else found
                        for field, rel_type, only_first in OUTGOING.get(section, ())
                        for found in [_targets(out, rel_type, props["id"])]
                    }
                    spools.add(section, [props, refs])
    if firm is None:
        return None
    return {
        "firm": firm,
        "learned": {t: s for (r, t), s in first_source.items() if r == "LEARNED"},
        "held": {t: s for (r, t), s in first_source.items() if r == "HOLDS"},
        "works_on": works_on,
        "depends_on": depends_on,
    }


def _records(section: str, spools: _Spools, found: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A section's records as the case holds them (before validation)."""
    for item in spools.read(section):
        if section in FACT_RELATIONSHIP_SECTIONS.values():
            record = record_fields(item)
            if section == "customer_management":
                record["unit"], record["customer"] = record.pop("from"), record.pop("to")
            yield record
            continue
        props, refs = item
        record = record_fields(props, drop=DERIVED_SECTION_PROPERTIES.get(section, ())) | refs
        if section == "learning":
            record["unit"] = found["learned"].get(props["id"])
        elif section == "resources":
            record["held_by"] = found["held"].get(props["id"])
        elif section == "projects":
            members = found["works_on"].get(props["id"], [])
            record["units"] = sorted(members, key=lambda m: m["unit"])
            record["dependencies"] = sorted(
                found["depends_on"].get(props["id"], []), key=lambda d: (d["from"], d["to"])
            )
        yield record


def _rendered(
    section: str, records: Iterator[dict[str, Any]], *, depth: int, batch: int = 1000
) -> Iterator[str]:
    """Each record validated and dumped as its section's model dumps it in a case."""
    adapter = _section_adapter(section)
    while chunk := [record for _, record in zip(range(batch), records, strict=False)]:
        dumped = adapter.dump_python(
            adapter.validate_python(chunk), mode="json", by_alias=True, exclude_none=True
        )
        yield from (render_json(record, depth=depth) for record in dumped)


@asynccontextmanager
async def _spooled_case(
    store: GraphReader, *, firm_id: str, page_nodes: int
) -> AsyncIterator[tuple[dict[str, Any], dict[str, Iterator[dict[str, Any]]]] | None]:
    """A firm's head (case, title, firm's fields) and each section's records, read from the
    spools while the block runs; None when the graph holds no node of it."""
    with tempfile.TemporaryDirectory(prefix="kflow-case-") as directory:
        spools = _Spools(Path(directory))
        try:
            found = await _spool_case(store, firm_id=firm_id, spools=spools, page_nodes=page_nodes)
        finally:
            spools.close()
        if found is None:
            yield None
            return
        firm_props = found["firm"]
        head = {
            "case": firm_props["case"],
            "title": firm_props["title"],
            "firm": record_fields(firm_props, drop=("case", "title")),
        }
        yield head, {section: _records(section, spools, found) for section in SECTIONS}


async def read_case(
    store: GraphReader, *, firm_id: str, page_nodes: int = RELATIONSHIP_PAGE_NODES
) -> CaseFile | None:
    """A firm's case rebuilt from the graph (None: no node of it): what `case_params` wrote."""
    async with _spooled_case(store, firm_id=firm_id, page_nodes=page_nodes) as spooled:
        if spooled is None:
            return None
        head, sections = spooled
        return CaseFile.model_validate(
            head | {section: list(records) for section, records in sections.items()}
        )


async def write_case_json(
    store: GraphReader,
    out: TextIO,
    *,
    firm_id: str,
    depth: int,
    prefix: str = "",
    page_nodes: int = RELATIONSHIP_PAGE_NODES,
) -> bool:
    """Write `prefix` and a firm's case as the JSON object `read_case` gives, rendered
    `depth` levels deep; False, with nothing written, when the graph holds no node of it."""
    async with _spooled_case(store, firm_id=firm_id, page_nodes=page_nodes) as spooled:
        if spooled is None:
            return False
        head, sections = spooled
        firm = Firm.model_validate(head.pop("firm"))
        pad = "\n" + " " * (INDENT * (depth + 1))
        out.write(prefix + "{")
        for key, value in head.items():
            out.write(f"{pad}{json.dumps(key)}: {render_json(value, depth=depth + 1)},")
        firm_json = firm.model_dump(mode="json", by_alias=True, exclude_none=True)
        out.write(f'{pad}"firm": {render_json(firm_json, depth=depth + 1)}')
        for section, records in sections.items():
            out.write(f",{pad}{json.dumps(section)}: ")
            write_json_list(out, _rendered(section, records, depth=depth + 2), depth=depth + 1)
        out.write("\n" + " " * (INDENT * depth) + "}")
    return True


def write_items(out: TextIO, items: Iterable[Any], *, depth: int) -> None:
    """A list of plain values laid out as `json.dumps(indent=2)` does, `depth` levels deep."""
    write_json_list(out, (render_json(item, depth=depth + 1) for item in items), depth=depth)
