"""The case demos load, cite their sources, and show what the papers describe."""

import json
from collections import Counter

import pytest

from service.model.case import canonical_json
from service.model.graph import UNIT_ROLE_LABELS, node_properties, relationship_properties
from service.services.exchange import GraphExport, export_cases, export_graph, render_cases_json
from service.services.health import get_readiness
from service.services.seeding import list_case_files, seed_cases, validate_case_files
from service.store.port import GraphStore
from tests.helpers import SEED_DIR

pytestmark = pytest.mark.integration


@pytest.fixture
async def seeded(store: GraphStore) -> GraphExport:
    await seed_cases(store, paths=list(list_case_files(SEED_DIR).values()))
    return await export_graph(store, derived=True)


async def test_the_graph_holds_only_what_the_model_documents(seeded: GraphExport) -> None:
    nodes, relationships = node_properties(), relationship_properties()
    stray = []
    for node in seeded.nodes:
        [label] = [label for label in node.labels if label not in UNIT_ROLE_LABELS]
        stray += [f":{label}.{p}" for p in set(node.properties) - nodes[label]]
    for rel in seeded.relationships:
        stray += [f"[:{rel.type}].{p}" for p in set(rel.properties) - relationships[rel.type]]
    assert stray == []


async def test_every_seeded_fact_cites_its_paper(seeded: GraphExport) -> None:
    fact_types = {t for t, props in relationship_properties().items() if "citation" in props}
    uncited = [n.id for n in seeded.nodes if not n.properties.get("citation")]
    uncited += [
        f"{r.source}-[:{r.type}]->{r.target}"
        for r in seeded.relationships
        if r.type in fact_types and not r.properties.get("citation")
    ]
    assert uncited == []
    papers = Counter(n.properties["cite_paper"] for n in seeded.nodes)
    assert set(papers) >= {"fu2018", "sartorius2024"}


async def test_loading_the_demos_twice_changes_nothing(
    store: GraphStore, seeded: GraphExport
) -> None:
    before = await get_readiness(store)
    first = render_cases_json(await export_cases(store))
    again = await seed_cases(store, paths=list(list_case_files(SEED_DIR).values()))
    # A case is rewritten when what the graph gives back differs from its file, so a field
    # lost on the way in or out would show here as a rewrite.
    assert [summary.case for summary in again if summary.written] == []
    assert await get_readiness(store) == before
    assert render_cases_json(await export_cases(store)) == first


async def test_every_demo_case_reads_back_from_the_graph_as_its_file_gives_it(
    store: GraphStore, seeded: GraphExport
) -> None:
    files = validate_case_files(list(list_case_files(SEED_DIR).values()))
    differ = []
    for case in files:
        read = await store.cases.read_case(case.firm.id)
        if read is None or canonical_json(read) != canonical_json(case):
            differ.append(case.firm.id)
    assert differ == []
    # The demos between them fill every section a case has, so every section was compared.
    filled = {
        name for case in files for name, records in case if records and isinstance(records, tuple)
    }
    assert filled == {name for name, records in files[0] if isinstance(records, tuple)}


async def test_huawei_uk_customer_feedback_travels_up_through_the_regional_hub(
    seeded: GraphExport,
) -> None:
    carried = [
        (r.source, r.target, r.properties["direction"])
        for r in seeded.relationships
        if r.type == "FLOWS" and r.properties.get("knowledge") == "huawei-uk-customer-feedback"
    ]
    assert ("huawei-uk", "huawei-rhq", "upward") in carried
    assert ("huawei-rhq", "huawei-ccd", "upward") in carried


async def test_the_failed_cases_learn_and_share_nothing(seeded: GraphExport) -> None:
    outcome = {n.id: n.properties.get("outcome") for n in seeded.nodes if "Firm" in n.labels}
    assert outcome["tcl"] == outcome["saic"] == "failed"
    flows_by_firm = Counter(r.properties["firm"] for r in seeded.relationships if r.type == "FLOWS")
    learning_by_firm = Counter(
        n.properties["firm"] for n in seeded.nodes if "LearningEvent" in n.labels
    )
    for firm in ("tcl", "saic"):
        assert flows_by_firm[firm] == learning_by_firm[firm] == 0
    for firm in ("huawei", "zte", "lenovo", "haier"):
        assert flows_by_firm[firm] > 0


async def test_huawei_released_avansys_and_zte_renewed_gsm(seeded: GraphExport) -> None:
    events = {n.id: n.properties for n in seeded.nodes if "IntegrationEvent" in n.labels}
    steps = Counter((p["firm"], p["step"]) for p in events.values())
    for firm in ("huawei", "zte"):
        assert {steps[(firm, s)] > 0 for s in ("leverage", "renew", "release")} == {True}
    huawei_release = [
        p for p in events.values() if p["firm"] == "huawei" and p["step"] == "release"
    ]
    assert any(
        "Avansys" in p["description"] and p.get("date", "").startswith("2001")
        for p in huawei_release
    )


async def test_beta_gives_support_that_is_never_returned(seeded: GraphExport) -> None:
    support = {
        (r.source, r.target)
        for r in seeded.relationships
        if r.type == "SUPPORTED" and r.properties["firm"] == "beta"
    }
    one_way = {(a, b) for a, b in support if (b, a) not in support}
    assert one_way


async def test_case_sizes_are_reported(store: GraphStore, seeded: GraphExport) -> None:
    per_firm: dict[str, Counter[str]] = {}
    for node in seeded.nodes:
        per_firm.setdefault(node.properties["firm"], Counter())["nodes"] += 1
    for rel in seeded.relationships:
        owner = next(n.properties["firm"] for n in seeded.nodes if n.id == rel.source)
        per_firm[owner]["relationships"] += 1
    print(json.dumps({f: dict(c) for f, c in sorted(per_firm.items())}))
    readiness = await get_readiness(store)
    # The graph also holds each firm's integration matrix: one count per tier and step used.
    cells = {
        (n.properties["firm"], n.properties["tier"], n.properties["step"])
        for n in seeded.nodes
        if "IntegrationEvent" in n.labels
    }
    assert sum(c["nodes"] for c in per_firm.values()) + len(cells) == readiness.nodes
    assert sum(c["relationships"] for c in per_firm.values()) == readiness.relationships
