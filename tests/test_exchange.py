"""Export (JSON, CSV, GraphML) and import: export then import into an empty graph gives the
same graph."""

import csv
import io
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from service import cypher
from service.services.errors import NotFound
from service.services.exchange import (
    GraphExport,
    export_cases,
    export_graph,
    import_cases,
    render_cases_json,
    render_csv,
    render_graphml,
)
from service.services.health import get_readiness
from service.services.seeding import list_case_files, seed_cases
from service.services.synthetic import SIZES, generate_firm
from service.store.cases import list_case_relationships
from service.store.port import GraphStore
from tests.helpers import SEED_DIR, load_test_statement

CASE_NODES = cypher.Folder("cases").list_case_nodes
WHOLE_CASE_RELATIONSHIPS = load_test_statement("exchange/list_case_relationships_whole")
DELETE_ALL = load_test_statement("store/delete_all")

pytestmark = pytest.mark.integration


def tmp_graphml(export: GraphExport) -> Any:
    """The export as GraphML, read back by networkx."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.graphml"
        path.write_text(render_graphml(export))
        return nx.read_graphml(path)


@pytest.fixture
async def seeded(store: GraphStore) -> GraphStore:
    await seed_cases(store, paths=list(list_case_files(SEED_DIR).values()))
    return store


async def test_export_then_import_into_an_empty_graph_gives_the_same_graph(
    seeded: GraphStore,
) -> None:
    exported = render_cases_json(await export_cases(seeded))
    before = await get_readiness(seeded)
    graph_before = await export_graph(seeded)

    await seeded.write(DELETE_ALL)
    assert (await get_readiness(seeded)).nodes == 0
    await import_cases(seeded, text=exported, name="kflow.json")

    assert await get_readiness(seeded) == before
    assert await export_graph(seeded) == graph_before
    assert render_cases_json(await export_cases(seeded)) == exported


async def test_graphml_opens_in_networkx(seeded: GraphStore, tmp_path: Path) -> None:
    graph = await export_graph(seeded, firm_id="huawei")
    path = tmp_path / "huawei.graphml"
    path.write_text(render_graphml(graph), encoding="utf-8")
    opened = nx.read_graphml(path)
    assert opened.number_of_nodes() == len(graph.nodes)
    assert opened.number_of_edges() == len(graph.relationships)
    assert opened.nodes["huawei-uk"]["role"] == "subsidiary"
    assert opened.has_edge("huawei-uk", "huawei-rhq")


async def test_csv_tables_hold_every_node_and_relationship(seeded: GraphStore) -> None:
    graph = await export_graph(seeded, firm_id="beta")
    tables = render_csv(graph)
    nodes = list(csv.DictReader(io.StringIO(tables["nodes.csv"])))
    rels = list(csv.DictReader(io.StringIO(tables["relationships.csv"])))
    assert len(nodes) == len(graph.nodes) and len(rels) == len(graph.relationships)
    germany = next(row for row in nodes if row["id"] == "beta-germany")
    assert germany["labels"] == "Unit;CoreSubsidiary" or "CoreSubsidiary" in germany["labels"]


async def test_exporting_a_misspelt_firm_suggests_the_nearest_ids(seeded: GraphStore) -> None:
    with pytest.raises(NotFound, match="no firm with id 'huawie'; did you mean huawei") as near:
        await export_graph(seeded, firm_id="huawie")
    assert near.value.suggestions[0] == "huawei"
    with pytest.raises(NotFound) as far:
        await export_cases(seeded, firm_id="xyzzy-plugh")
    assert str(far.value) == "no firm with id 'xyzzy-plugh'" and far.value.suggestions == []


async def test_exports_hold_facts_only_unless_derived_data_is_asked_for(
    seeded: GraphStore,
) -> None:
    facts = await export_graph(seeded, firm_id="huawei")
    everything = await export_graph(seeded, firm_id="huawei", derived=True)
    fact_types = Counter(rel.type for rel in facts.relationships)
    all_types = Counter(rel.type for rel in everything.relationships)
    derived = {kind for kind in all_types if kind.startswith("SENDS_")}
    assert derived, "the graph keeps SENDS_* pair edges, so the check below can fail"
    assert not derived & set(fact_types)
    assert fact_types == all_types - Counter({kind: all_types[kind] for kind in derived})
    assert all(
        "brokerage" not in node.properties and "flowed" not in node.properties
        for node in facts.nodes
    )
    assert any("brokerage" in node.properties for node in everything.nodes)
    # Gephi would count each flow once: FLOWS edges equal the flows the firm records.
    graphml = tmp_graphml(facts)
    assert (
        sum(1 for _, _, kind in graphml.edges(data="type") if kind == "FLOWS")
        == fact_types["FLOWS"]
    )


@pytest.mark.parametrize("page_nodes", [1, 7, 1000])
async def test_the_paged_relationship_read_is_the_whole_read(
    seeded: GraphStore, page_nodes: int
) -> None:
    # A synthetic firm's units start hundreds of flows each, so small pages split them.
    await generate_firm(seeded, size=SIZES["small"], firm_id="paged")
    firms = await seeded.cases.list_firm_ids()
    assert "paged" in firms and "huawei" in firms
    for firm in firms:
        whole = [
            row["relationship"]
            for row in await seeded.read(WHOLE_CASE_RELATIONSHIPS, {"firmId": firm})
        ]
        nodes = await seeded.read(CASE_NODES, {"firmId": firm})
        paged = await list_case_relationships(
            seeded,
            firm_id=firm,
            node_ids=[row["node"]["properties"]["id"] for row in nodes],
            page_nodes=page_nodes,
        )
        assert whole, firm
        assert paged == whole, firm
