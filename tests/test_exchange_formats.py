"""The export formats rendered from a graph export, without a store: CSV tables, GraphML for
desktop tools and Cytoscape JSON, each holding every node, relationship and property."""

import csv
import io
import json

import networkx as nx
import pytest

from service.services.exchange import (
    GraphExport,
    GraphNode,
    GraphRelationship,
    render_cell,
    render_csv,
    render_cytoscape,
    render_graphml,
)

pytestmark = pytest.mark.unit

EXPORT = GraphExport(
    nodes=[
        GraphNode(
            id="acme-hq",
            labels=["Unit", "HQ"],
            properties={"id": "acme-hq", "name": "Acme <HQ> & co", "flows": 3, "core": True},
        ),
        GraphNode(
            id="acme-uk",
            labels=["Unit"],
            properties={"id": "acme-uk", "name": "Acme UK", "flows": 2, "share": 0.5},
        ),
    ],
    relationships=[
        GraphRelationship(
            type="FLOWS",
            source="acme-uk",
            target="acme-hq",
            properties={"id": "f1", "tags": ["a", "b"], "date": None},
        )
    ],
)


@pytest.mark.parametrize(
    ("value", "cell"),
    [(None, ""), (True, "true"), (3, "3"), (["a", "é"], '["a", "é"]'), ({"k": 1}, '{"k": 1}')],
)
def test_a_value_becomes_one_csv_cell(value: object, cell: str) -> None:
    assert render_cell(value) == cell


def test_csv_tables_have_a_column_per_property_and_a_row_per_record() -> None:
    tables = render_csv(EXPORT)
    nodes = list(csv.DictReader(io.StringIO(tables["nodes.csv"])))
    assert list(nodes[0]) == ["id", "labels", "core", "flows", "name", "share"]
    assert nodes[0] == {
        "id": "acme-hq",
        "labels": "Unit;HQ",
        "core": "true",
        "flows": "3",
        "name": "Acme <HQ> & co",
        "share": "",
    }
    [flow] = list(csv.DictReader(io.StringIO(tables["relationships.csv"])))
    assert flow == {
        "from": "acme-uk",
        "type": "FLOWS",
        "to": "acme-hq",
        "date": "",
        "id": "f1",
        "tags": '["a", "b"]',
    }


def test_graphml_reads_back_with_each_propertys_type() -> None:
    graph = nx.parse_graphml(render_graphml(EXPORT))
    assert graph.nodes["acme-hq"] == {
        "id": "acme-hq",
        "name": "Acme <HQ> & co",
        "flows": 3,
        "core": True,
        "labels": "Unit;HQ",
    }
    assert graph.nodes["acme-uk"]["share"] == 0.5
    [(source, target, edge)] = list(graph.edges(data=True))
    assert (source, target, edge["type"], edge["tags"]) == (
        "acme-uk",
        "acme-hq",
        "FLOWS",
        '["a", "b"]',
    )
    assert "date" not in edge


def test_cytoscape_json_names_each_element_and_keeps_its_properties() -> None:
    document = json.loads(render_cytoscape(EXPORT))
    assert (document["directed"], document["multigraph"]) == (True, True)
    hq = document["elements"]["nodes"][0]["data"]
    assert (hq["id"], hq["value"], hq["name"], hq["labels"], hq["flows"]) == (
        "acme-hq",
        "acme-hq",
        "Acme <HQ> & co",
        ["Unit", "HQ"],
        3,
    )
    [edge] = document["elements"]["edges"]
    assert edge["data"] == {
        "id": "e0",
        "source": "acme-uk",
        "target": "acme-hq",
        "type": "FLOWS",
        "key": 0,
        "tags": ["a", "b"],
        "date": None,
    }
