"""Export of the graph (JSON cases, CSV, GraphML) and import of the JSON back."""

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pydantic import BaseModel

from service import cypher
from service.model.case import CaseFile
from service.model.files import CaseFileInvalid, FileProblem, validate_case_document
from service.model.graph import DERIVED_NODE_PROPERTIES, DERIVED_RELATIONSHIPS
from service.services.errors import InvalidArgument
from service.services.lookup import check_known_ids
from service.services.seeding import LoadSummary, check_against_graph, load_case
from service.store.cases import list_case_relationships
from service.store.port import GraphStore

EXPORT_FORMAT = "kflow-cases/1"
CASES = cypher.Folder("cases")
EXPORTS = cypher.Folder("exports")
MAX_NEIGHBOURHOOD_HOPS = 3
MAX_NEIGHBOURHOOD_NODES = 2000


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
    if firm_id is None:
        return await store.cases.list_firm_ids()
    await check_known_ids(store, kind="firm", ids=[firm_id])
    return [firm_id]


def _node(record: dict[str, Any], *, derived: bool) -> GraphNode:
    properties = record["properties"]
    if not derived:
        properties = {k: v for k, v in properties.items() if k not in DERIVED_NODE_PROPERTIES}
    return GraphNode(id=record["properties"]["id"], labels=record["labels"], properties=properties)


def _relationships(rels: list[dict[str, Any]], *, derived: bool) -> list[GraphRelationship]:
    return [
        GraphRelationship(
            type=rel["type"], source=rel["from"], target=rel["to"], properties=rel["properties"]
        )
        for rel in rels
        if derived or rel["type"] not in DERIVED_RELATIONSHIPS
    ]


async def export_cases(store: GraphStore, *, firm_id: str | None = None) -> list[CaseFile]:
    """Every firm's case (or one firm's), rebuilt from the graph."""
    cases = []
    for fid in await _firm_ids(store, firm_id):
        case = await store.cases.read_case(fid)
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


async def export_graph(
    store: GraphStore, *, firm_id: str | None = None, derived: bool = False
) -> GraphExport:
    """The nodes and relationships of every firm (or one): the facts, and with `derived` the
    data computed from flows (SENDS_* pairs, unit flow counts) too."""
    nodes: list[GraphNode] = []
    relationships: list[GraphRelationship] = []
    for fid in await _firm_ids(store, firm_id):
        rows = await store.read(CASES.list_case_nodes, {"firmId": fid})
        firm_nodes = [_node(row["node"], derived=derived) for row in rows]
        nodes += firm_nodes
        rels = await list_case_relationships(
            store, firm_id=fid, node_ids=[node.id for node in firm_nodes]
        )
        relationships += _relationships(rels, derived=derived)
    return GraphExport(nodes=nodes, relationships=relationships)


async def export_neighbourhood(
    store: GraphStore, *, unit_id: str, hops: int, derived: bool = False
) -> GraphExport:
    """The units within `hops` (1-3) of a unit along flows and reporting lines, and the
    relationships among them (facts only unless `derived`)."""
    if not 1 <= hops <= MAX_NEIGHBOURHOOD_HOPS:
        raise InvalidArgument("hops", f"must be between 1 and {MAX_NEIGHBOURHOOD_HOPS}, not {hops}")
    await check_known_ids(store, kind="unit", ids=[unit_id])
    rows = await store.read(
        EXPORTS.list_neighbourhood_nodes,
        {"unit": unit_id, "hops": hops, "limit": MAX_NEIGHBOURHOOD_NODES},
    )
    nodes = [_node(row["node"], derived=derived) for row in rows]
    among = await store.read(EXPORTS.list_relationships_among, {"ids": [n.id for n in nodes]})
    return GraphExport(
        nodes=nodes,
        relationships=_relationships([row["relationship"] for row in among], derived=derived),
    )


def render_cytoscape(export: GraphExport) -> str:
    """Cytoscape JSON (cytoscape.js, Cytoscape desktop, networkx.cytoscape_graph)."""
    document = {
        "data": {"name": "kflow"},
        "directed": True,
        "multigraph": True,
        "elements": {
            "nodes": [
                {
                    "data": {
                        **node.properties,
                        "id": node.id,
                        "value": node.id,
                        "name": str(node.properties.get("name", node.id)),
                        "labels": node.labels,
                    }
                }
                for node in export.nodes
            ],
            "edges": [
                {
                    "data": {
                        **rel.properties,
                        "id": f"e{index}",
                        "source": rel.source,
                        "target": rel.target,
                        "type": rel.type,
                        "key": index,
                    }
                }
                for index, rel in enumerate(export.relationships)
            ],
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_cell(value: Any) -> str:
    """One value as a CSV cell: lists and maps as JSON, booleans in lowercase."""
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
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
                [n.id, ";".join(n.labels), *(render_cell(n.properties.get(k)) for k in node_keys)]
                for n in export.nodes
            ],
        ),
        (
            "relationships.csv",
            ["from", "type", "to", *rel_keys],
            [
                [r.source, r.type, r.target, *(render_cell(r.properties.get(k)) for k in rel_keys)]
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
            f"<data key={quoteattr(f'{scope}_{k}')}>{escape(render_cell(v))}</data>"
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


def read_json_document(text: str, *, name: str, kind: str, fmt: str) -> dict[str, Any]:
    """A JSON object whose `format` is `fmt`, or CaseFileInvalid naming what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise CaseFileInvalid(
            [FileProblem(name, "", err.lineno, f"not valid JSON: {err.msg}")]
        ) from None
    except RecursionError:
        raise CaseFileInvalid(
            [FileProblem(name, "", None, "the document is nested too deeply to be read")]
        ) from None
    if not isinstance(document, dict) or document.get("format") != fmt:
        raise CaseFileInvalid(
            [FileProblem(name, "format", None, f"not a kflow {kind} (want format '{fmt}')")]
        )
    return document


def parse_cases_json(text: str, *, name: str) -> list[CaseFile]:
    """Validate an export document, case by case, listing every problem."""
    document = read_json_document(text, name=name, kind="export", fmt=EXPORT_FORMAT)
    return parse_case_documents(document.get("cases", []), name=name)


def parse_case_documents(documents: Any, *, name: str) -> list[CaseFile]:
    """Validate a list of case documents, listing every problem of every case."""
    if not isinstance(documents, list):
        raise CaseFileInvalid([FileProblem(name, "cases", None, "cases must be a list")])
    cases, problems = [], []
    for index, item in enumerate(documents):
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
