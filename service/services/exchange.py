"""Export of the graph (JSON cases, CSV, GraphML) and import of the JSON back."""

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel

from service.model.case import CaseFile
from service.model.files import CaseFileInvalid, validate_case_document
from service.services.cases import (
    LIST_CASE_NODES,
    LIST_CASE_RELATIONSHIPS,
    LoadSummary,
    list_firm_ids,
    load_case,
    read_case,
)
from service.services.seeding import check_against_graph
from service.store.port import GraphStore

EXPORT_FORMAT = "kflow-cases/1"


class UnknownFirm(Exception):
    """A firm id that is not in the graph."""


class GraphNode(BaseModel):
    id: str
    labels: list[str]
    properties: dict[str, Any]


class GraphRelationship(BaseModel):
    type: str
    source: str
    target: str
    properties: dict[str, Any]


class GraphExport(BaseModel):
    nodes: list[GraphNode]
    relationships: list[GraphRelationship]


async def _firm_ids(store: GraphStore, firm_id: str | None) -> list[str]:
    firms = await list_firm_ids(store)
    if firm_id is None:
        return firms
    if firm_id not in firms:
        raise UnknownFirm(f"no firm '{firm_id}' in the graph; firms: {', '.join(firms) or 'none'}")
    return [firm_id]


async def export_cases(store: GraphStore, *, firm_id: str | None = None) -> list[CaseFile]:
    """Every firm's case (or one firm's), rebuilt from the graph."""
    cases = []
    for fid in await _firm_ids(store, firm_id):
        case = await read_case(store, firm_id=fid)
        if case is not None:
            cases.append(case)
    return cases


def render_cases_json(cases: list[CaseFile]) -> str:
    """The cases as one JSON document that `kflow import` reads back."""
    document = {
        "format": EXPORT_FORMAT,
        "cases": [c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in cases],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


async def export_graph(store: GraphStore, *, firm_id: str | None = None) -> GraphExport:
    """The nodes and relationships of every firm (or one), as plain records."""
    nodes: list[GraphNode] = []
    relationships: list[GraphRelationship] = []
    for fid in await _firm_ids(store, firm_id):
        for row in await store.read(LIST_CASE_NODES, {"firmId": fid}):
            node = row["node"]
            nodes.append(
                GraphNode(
                    id=node["properties"]["id"],
                    labels=node["labels"],
                    properties=node["properties"],
                )
            )
        for row in await store.read(LIST_CASE_RELATIONSHIPS, {"firmId": fid}):
            rel = row["relationship"]
            relationships.append(
                GraphRelationship(
                    type=rel["type"],
                    source=rel["from"],
                    target=rel["to"],
                    properties=rel["properties"],
                )
            )
    return GraphExport(nodes=nodes, relationships=relationships)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else str(value)


def render_csv(export: GraphExport) -> dict[str, str]:
    """Two CSV tables, nodes.csv and relationships.csv, one column per property."""
    tables = {}
    node_keys = sorted({k for n in export.nodes for k in n.properties} - {"id"})
    rel_keys = sorted({k for r in export.relationships for k in r.properties})
    for filename, header, rows in (
        (
            "nodes.csv",
            ["id", "labels", *node_keys],
            [
                [n.id, ";".join(n.labels), *(_cell(n.properties.get(k)) for k in node_keys)]
                for n in export.nodes
            ],
        ),
        (
            "relationships.csv",
            ["from", "type", "to", *rel_keys],
            [
                [r.source, r.type, r.target, *(_cell(r.properties.get(k)) for k in rel_keys)]
                for r in export.relationships
            ],
        ),
    ):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        tables[filename] = buffer.getvalue()
    return tables


def _graphml_type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, float | int) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def render_graphml(export: GraphExport) -> str:
    """GraphML for desktop tools (Gephi, yEd, Cytoscape, networkx)."""
    keys: list[str] = []
    key_lines = []
    for scope, records in (
        ("node", [n.properties for n in export.nodes]),
        ("edge", [r.properties for r in export.relationships]),
    ):
        names = sorted(
            {k for props in records for k in props} | {"labels" if scope == "node" else "type"}
        )
        for name in names:
            kind = _graphml_type([p.get(name) for p in records])
            key_id = f"{scope[0]}_{name}"
            keys.append(key_id)
            key_lines.append(
                f'  <key id={quoteattr(key_id)} for="{scope}" '
                f'attr.name={quoteattr(name)} attr.type="{kind}"/>'
            )

    def data(scope: str, props: dict[str, Any]) -> str:
        return "".join(
            f"<data key={quoteattr(f'{scope}_{k}')}>{escape(_cell(v))}</data>"
            for k, v in sorted(props.items())
            if v is not None
        )

    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
        *key_lines,
        '  <graph id="kflow" edgedefault="directed">',
    ]
    for node in export.nodes:
        props = node.properties | {"labels": ";".join(node.labels)}
        lines.append(f"    <node id={quoteattr(node.id)}>{data('n', props)}</node>")
    for index, rel in enumerate(export.relationships):
        props = rel.properties | {"type": rel.type}
        lines.append(
            f'    <edge id="e{index}" source={quoteattr(rel.source)} '
            f"target={quoteattr(rel.target)}>{data('e', props)}</edge>"
        )
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


def parse_cases_json(text: str, *, name: str) -> list[CaseFile]:
    """Validate an export document, case by case, listing every problem."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        from service.model.files import FileProblem

        raise CaseFileInvalid(
            [FileProblem(name, "", err.lineno, f"not valid JSON: {err.msg}")]
        ) from None
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        from service.model.files import FileProblem

        raise CaseFileInvalid(
            [
                FileProblem(
                    name, "format", None, f"not a kflow export (want format '{EXPORT_FORMAT}')"
                )
            ]
        )
    cases, problems = [], []
    for index, item in enumerate(document.get("cases", [])):
        try:
            cases.append(validate_case_document(item, name=f"{name}#cases[{index}]"))
        except CaseFileInvalid as err:
            problems.extend(err.problems)
    if problems:
        raise CaseFileInvalid(problems)
    return cases


async def import_cases(store: GraphStore, *, text: str, name: str) -> list[LoadSummary]:
    """Load an export back: validate every case first, then write each atomically."""
    cases = parse_cases_json(text, name=name)
    for case in cases:
        await check_against_graph(store, case=case, name=name)
    return [await load_case(store, case=case) for case in cases]
