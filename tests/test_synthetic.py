"""`kflow generate`: a small synthetic firm loads whole through the validated write path,
only into a firm the graph does not hold, leaves nothing behind when a load fails, and every
query answers on it, the same as a brute-force reading of the generated case."""

import copy
import itertools
import os
import re
import subprocess
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from service.model.case import Flow
from service.model.files import CaseFileInvalid, validate_case_document
from service.services import bulk, network
from service.services.bulk import FirmExists
from service.services.health import get_readiness
from service.services.integration import get_integration_matrix, list_matrix_cell_events
from service.services.metrics import (
    HubMetric,
    HubMetricOrder,
    get_hub_thresholds,
    list_hub_metrics,
)
from service.services.paging import KeysetRequest, PageRequest, keyset_request
from service.services.paths import (
    PathQuestion,
    get_circulation,
    list_dissemination,
    list_reverse_transfer_paths,
)
from service.services.recording import record_flow
from service.services.synthetic import (
    SIZES,
    FirmSize,
    generate_firm,
)
from service.store.embedded import EmbeddedStore
from service.store.port import GraphStore
from tests.helpers import KFLOW, REPO, Backend, kflow, load_test_statement

pytestmark = pytest.mark.e2e
COUNT_LEFTOVERS = load_test_statement("load/count_load_leftovers")

SMALL = SIZES["small"]  # 1 centre, 3 hubs, 50 subsidiaries, 2,000 flows
Document = dict[str, Any]


async def list_every_hub_metric(store: EmbeddedStore) -> list[HubMetric]:
    """Every unit's hub metric of the synthetic firm, in one page."""
    thresholds = await get_hub_thresholds(store, firm_id="synth")
    return await list_hub_metrics(
        store,
        thresholds=thresholds,
        roles=None,
        order=HubMetricOrder.UNIT,
        page=PageRequest(skip=0, limit=100_000),
    )


def graph_keys(store: EmbeddedStore) -> list[str]:
    """Which of the store's graph and its staged copy exist on the engine."""
    client = store.engine.client(decode_responses=True)
    names = [store.graph_name, f"{store.graph_name}.staging"]
    return [name for name in names if client.exists(name)]


async def test_a_small_firm_loads_whole_and_only_once(store: GraphStore) -> None:
    before = await get_readiness(store)
    result = await generate_firm(store, size=SMALL)
    after = await get_readiness(store)
    records = result.load.records
    assert (records["units"], records["flows"], records["learning"]) == (55, 2000, 200)
    # The embedded engine loads into a staged copy of the graph and publishes it; Neo4j
    # tags the load's nodes behind its load slot and untags them to publish.
    assert result.load.staged
    if store.backend == "embedded":
        assert graph_keys(store) == [store.graph_name]
    else:
        assert (await store.read(COUNT_LEFTOVERS))[0] == {"tagged": 0, "markers": 0, "locks": 0}
    nodes = sum(records[s] for s in ("firm", "units", "actors", "capabilities", "knowledge"))
    nodes += sum(records[s] for s in ("learning", "resources", "integrations"))
    # And its integration matrix: one count per tier and step its events use.
    matrix = await get_integration_matrix(store, firm_id="synth")
    assert sum(cell.total for cell in matrix) == records["integrations"]
    nodes += sum(1 for cell in matrix if cell.total)
    assert after.nodes - before.nodes == nodes
    with pytest.raises(FirmExists):
        await generate_firm(store, size=SMALL)
    assert await get_readiness(store) == after


def test_of_two_generates_of_one_firm_at_once_one_loads_it_and_the_other_is_refused(
    backend: Backend, tmp_path: Path
) -> None:
    sizes = ["--hubs", "2", "--subsidiaries", "10", "--flows", "300", "--learning", "20"]
    command = [*KFLOW, "generate", "--size", "small", "--firm", "twice", *sizes]
    environment = {**os.environ, **backend.env(tmp_path)}
    runs = [
        subprocess.Popen(
            command,
            cwd=REPO,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    answers = [(run.communicate(timeout=600)[1], run.returncode) for run in runs]
    assert sorted(code == 0 for _, code in answers) == [False, True], answers
    # Refused as a firm the graph holds or a load in progress, whichever it met first; never
    # a write that clashes with the other's nodes.
    [refusal] = [err for err, code in answers if code != 0]
    assert re.search(r"holds firm 'twice' already|in progress|not whole yet", refusal), refusal
    again = kflow("generate", "--size", "small", "--firm", "twice", data=tmp_path, backend=backend)
    assert again.returncode != 0 and "holds firm 'twice' already" in again.stderr


async def test_a_load_that_fails_half_way_leaves_the_graph_as_it_was(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = await get_readiness(store)
    written: list[str] = []
    adapter = type(store)
    write = adapter.write

    async def failing_write(self: GraphStore, query: Any, params: Any = None) -> Any:
        if query.name == "bulk/create_flows" and "bulk/create_flows" in written:
            raise RuntimeError("the engine went away")
        written.append(query.name)
        return await write(self, query, params)

    monkeypatch.setattr(adapter, "write", failing_write)
    with pytest.raises(RuntimeError):
        await generate_firm(
            store,
            size=FirmSize(hubs=2, subsidiaries=10, flows=300, learning=20, integrations=5),
            batch_size=100,
        )
    assert "bulk/create_flows" in written  # one batch of flows was in before the failure
    assert await get_readiness(store) == before
    if store.backend == "embedded":
        assert graph_keys(store) == [store.graph_name]  # the staged copy is gone


async def test_ids_another_firm_holds_are_refused_before_anything_is_written(
    store: EmbeddedStore, document: Document
) -> None:
    other = copy.deepcopy(document)
    other["firm"]["id"] = other["case"] = "other"
    await bulk.load_case_in_batches(
        store, case=validate_case_document(other, name="other"), name="other"
    )
    before = await get_readiness(store)
    with pytest.raises(CaseFileInvalid) as raised:
        await generate_firm(store, size=SMALL)
    assert "already belongs to firm 'other'" in str(raised.value)
    assert await get_readiness(store) == before


def upstream_routes(document: Document, source: str, target: str, hops: int) -> list[list[str]]:
    """Every route of distinct units from source to target over upward/horizontal flows."""
    out: dict[str, set[str]] = defaultdict(set)
    for flow in document["flows"]:
        if flow["direction"] != "downward":
            out[flow["from"]].add(flow["to"])
    routes: list[list[str]] = []

    def walk(route: list[str]) -> None:
        if route[-1] == target:
            routes.append(route)
            return
        if len(route) <= hops:
            for unit in sorted(out[route[-1]] - set(route)):
                walk([*route, unit])

    walk([source])
    return sorted(routes, key=lambda r: (len(r), r))


def brokerage(document: Document) -> dict[str, int]:
    """Gould & Fernandez's count, straight from the definition, pair by pair."""
    linked = {(f["from"], f["to"]) for f in document["flows"]}
    ins: dict[str, set[str]] = defaultdict(set)
    outs: dict[str, set[str]] = defaultdict(set)
    for a, b in linked:
        outs[a].add(b)
        ins[b].add(a)
    return {
        u["id"]: sum(
            1
            for a, b in itertools.product(ins[u["id"]], outs[u["id"]])
            if a != b and (a, b) not in linked
        )
        for u in document["units"]
    }


async def test_every_query_answers_on_the_firm_as_the_case_says(
    store: GraphStore, document: Document
) -> None:
    await generate_firm(store, size=SMALL)
    sub = "synth-sub-00007"
    page = await list_reverse_transfer_paths(
        store, question=PathQuestion(unit_id=sub), page=PageRequest(0, 21)
    )
    got = [[hop.unit.id for hop in path.hops] for path in page.paths]
    assert page.target == "synth-ccd" and got == upstream_routes(document, sub, page.target, 4)[:21]
    assert all(
        hop.flow and hop.flow.direction.value != "downward"
        for p in page.paths
        for hop in p.hops[1:]
    )

    metrics = await list_every_hub_metric(store)
    assert {m.unit.id: m.brokerage for m in metrics} == brokerage(document)
    sent = Counter(f["from"] for f in document["flows"])
    assert {m.unit.id: m.outflow.total for m in metrics} == {
        u["id"]: sent[u["id"]] for u in document["units"]
    }

    matrix = await get_integration_matrix(store, firm_id="synth")
    assert len(matrix) == 6 and sum(cell.total for cell in matrix) == 200
    for cell in matrix:
        events = await list_matrix_cell_events(store, cell=cell)
        assert len(events) == min(cell.total, 50)

    reach = await list_dissemination(store, unit_id="synth-ccd", knowledge_id=None, max_hops=2)
    assert [r.distance for r in reach] == sorted(r.distance for r in reach)
    assert {r.unit.id for r in reach if r.distance == 1} == {
        f["to"]
        for f in document["flows"]
        if f["from"] == "synth-ccd" and f["direction"] != "upward"
    }

    item = Counter(f["knowledge"] for f in document["flows"]).most_common(1)[0][0]
    circulation = await get_circulation(store, knowledge_id=item)
    assert len(circulation.disseminations) == sum(
        1 for f in document["flows"] if f["knowledge"] == item and f["direction"] != "upward"
    )


async def test_flows_recorded_later_keep_the_derived_metrics_and_routes_exact(
    store: GraphStore, document: Document
) -> None:
    await generate_firm(store, size=SMALL)
    flows = copy.deepcopy(document["flows"])
    linked = {(f["from"], f["to"]) for f in flows}
    peer = next(
        f"synth-sub-{n:05d}"
        for n in range(2, 51)
        if ("synth-sub-00001", f"synth-sub-{n:05d}") not in linked
    )
    new = [
        ("synth-sub-00001", peer, "horizontal"),  # a pair linked for the first time
        ("synth-hub-01", "synth-ccd", "upward"),  # one more flow on a linked pair
        ("synth-ccd", "synth-sub-00001", "downward"),
    ]
    for number, (source, target, direction) in enumerate(new):
        flow = Flow.model_validate(
            {
                "id": f"synth-rec-{number}",
                "from": source,
                "to": target,
                "direction": direction,
                "mode": "planned",
                "knowledge": "synth-k000001",
                "date": "2000-01-01",
                "cite": {"paper": "fu2018", "where": "Figure 1"},
            }
        )
        await record_flow(store, flow=flow)
        flows.append({"from": source, "to": target, "direction": direction})
    updated = document | {"flows": flows}
    metrics = await list_every_hub_metric(store)
    assert {m.unit.id: m.brokerage for m in metrics} == brokerage(updated)
    sent, received = Counter(f["from"] for f in flows), Counter(f["to"] for f in flows)
    assert {m.unit.id: (m.outflow.total, m.inflow.total) for m in metrics} == {
        u["id"]: (sent[u["id"]], received[u["id"]]) for u in document["units"]
    }
    page = await list_reverse_transfer_paths(
        store,
        question=PathQuestion(unit_id="synth-sub-00001", max_hops=3),
        page=PageRequest(0, 100),
    )
    got = [[hop.unit.id for hop in path.hops] for path in page.paths]
    assert got == upstream_routes(updated, "synth-sub-00001", "synth-ccd", 3)
    first = page.paths[0].hops[-1].flow  # the recorded flow is the earliest on its hop
    assert [h.unit.id for h in page.paths[0].hops] == [
        "synth-sub-00001",
        "synth-hub-01",
        "synth-ccd",
    ] and first is not None
    assert first.id == "synth-rec-1"
    circulation = await get_circulation(store, knowledge_id="synth-k000001")
    assert {"synth-rec-0", "synth-rec-2"} <= {f.id for f in circulation.disseminations}


def test_the_command_refuses_a_bad_size_before_opening_the_store(tmp_path: Any) -> None:
    done = kflow("generate", "--size", "huge", data=tmp_path / "data")
    assert done.returncode == 2 and "--size must be one of small, medium, large" in done.stderr
    assert not (tmp_path / "data").exists()


def test_the_command_names_a_bad_count_and_writes_nothing(tmp_path: Any) -> None:
    done = kflow("generate", "--size", "small", "--hubs", "0", data=tmp_path / "data")
    assert done.returncode == 2, done.stderr
    assert "--hubs must be at least 1, not 0" in done.stderr and done.stdout == ""
    assert not (tmp_path / "data").exists()


async def test_a_firm_network_is_drawn_a_page_of_units_at_a_time(store: EmbeddedStore) -> None:
    await generate_firm(store, size=SMALL)
    drawn = await network.get_firm_network(
        store, firm_id="synth", page=KeysetRequest(size=network.MAX_NETWORK_UNITS)
    )
    assert len(drawn.units) == drawn.total_units == 55 and not drawn.has_next
    assert sum(link.volume for link in drawn.links) == 2_000
    units: list[str] = []
    volume, after = 0, None
    while True:
        page = await network.get_firm_network(
            store, firm_id="synth", page=keyset_request(first=20, after=after)
        )
        units += [unit.id for unit in page.units]
        volume += sum(link.volume for link in page.links)
        if not page.has_next:
            break
        after = page.end_cursor
    assert len(units) == len(set(units)) == 55 and volume == 2_000
