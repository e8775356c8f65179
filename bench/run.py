"""The kflow benchmark: a synthetic firm, loaded and queried on this machine, against the engine.

    .venv/bin/python bench/run.py [--size small --size large] [--backend embedded|neo4j]
        [--only NAME] [--requests 3000] [--out bench] [--keep]

In one run it:
1. generates the synthetic firm (`kflow generate`'s generator) and loads it through kflow's
   write path (validation, id check, staged batches, publish), then loads the same rows
   straight into a second, identical engine with the same statements, one batch after the
   other (the raw rate), and compares the two rates;
2. serves the loaded data with a real `kflow serve` and times seven GraphQL queries end to end
   over HTTP, the same Cypher statements those requests run replayed straight on the engine,
   and the same answers computed with networkx from an export of the graph (and checks that
   the three agree);
3. sends a fixed number of `reverseTransferPaths` requests from 32 concurrent clients on
   loopback and reports throughput, p50/p95/p99 and errors;
4. records the resident memory of the service and of the engine after the load.

With `--backend neo4j` the engine is Neo4j 5.26 (two servers in one JVM started with
scripts/neo4j.sh in the work directory: one for kflow's load, one for the raw load), the
replay goes through the Neo4j driver and the engine's time is the server's own (result
available + consumed); it writes results-neo4j.json and results-neo4j.md.

By default it runs the small firm, then the large one (`--size` picks the sizes; repeat it),
and prints a scaling table (each query's HTTP p50 at the smallest and largest size and their
ratio) and the targets table. It writes bench/results.json and bench/results.md (with
`--backend neo4j`, results-neo4j.json and .md). It is not a test; nothing asserts a target.
"""

import argparse
import asyncio
import datetime
import itertools
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

try:
    import networkx as nx
except ImportError:
    sys.exit(
        "bench/run.py needs networkx, one of kflow's dev tools: run ./scripts/test.sh once, "
        "or .venv/bin/pip install -e '.[dev]'"
    )

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.engines import DirectClient, Engines, engines_for  # noqa: E402
from service.api.deps import Credential  # noqa: E402
from service.api.graphql.context import Context  # noqa: E402
from service.api.graphql.schema import schema  # noqa: E402
from service.cypher import Query, read_catalogue  # noqa: E402
from service.model.files import paused_gc, validate_case_document  # noqa: E402
from service.services import bulk  # noqa: E402
from service.services.access import Role  # noqa: E402
from service.services.synthetic import SIZES, generate_case_document  # noqa: E402
from service.store.port import GraphStore, check_params  # noqa: E402
from tests.helpers import free_port, wait_until_up  # noqa: E402

# The statements only the benchmark runs (linted with the catalogue by the tests).
BENCH_STATEMENTS = read_catalogue(REPO / "bench" / "cypher")

FIRM = "synth"
TARGET = "synth-ccd"  # the synthetic firm's capability centre
CLIENTS = 32


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[rank]


def cpu_times() -> list[int]:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal)."""
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def cpu_shares(before: list[int], after: list[int]) -> dict[str, float]:
    spent = [b - a for a, b in zip(before, after, strict=True)]
    total = sum(spent) or 1
    return {
        "busy_percent": round(100 * (total - spent[3] - spent[4]) / total, 1),
        "steal_percent": round(100 * spent[7] / total, 1),
    }


def rss_mib(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU time a process has used so far."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- 1. load ---------------------------------------------------------------------------------


def validate_for_load(document: dict[str, Any]) -> tuple[Any, float]:
    """Validate the document as `kflow generate` does; return the case and the seconds taken."""
    started = time.perf_counter()
    case = validate_case_document(document, name="bench")
    return case, time.perf_counter() - started


async def load_through_kflow(
    case: Any, engines: Engines, validate_seconds: float
) -> dict[str, Any]:
    """Load a validated case exactly as `kflow generate` does; time it with its validation."""
    # The case stays with the caller: a coroutine returning a million-record object makes
    # asyncio's shutdown path slow to unwind, so only figures come back from here.
    store = await engines.open_store("kflow", pool_size=4)
    try:
        await store.ensure_schema()
        started = time.perf_counter()
        summary = await bulk.load_case_in_batches(store, case=case, name="bench")
        finished = time.perf_counter()
        rewrite = await asyncio.to_thread(engines.after_load, store)
    finally:
        await store.close()
    return {
        "rows": summary.rows,
        "statements": summary.statements,
        "seconds": validate_seconds + finished - started,
        "validate_seconds": validate_seconds,
        "check_seconds": summary.check_seconds,
        "write_seconds": summary.write_seconds,
        "rewrite_seconds": rewrite,
    }


async def load_raw(case: Any, engines: Engines) -> dict[str, Any]:
    """The same rows and statements sent straight to a fresh graph, one batch at a time."""
    store = await engines.open_store("raw", pool_size=2)
    try:
        await store.ensure_schema()  # the same indexes and uniqueness constraints
        graph = engines.direct("raw")
        from service.store.cases import firm_properties

        seconds, rows, statements = 0.0, 0, 0
        plan: list[tuple[Query, dict[str, Any]]] = [
            (bulk.BULK.create_firm, {"firm": firm_properties(case)})
        ]
        weights: list[int] = [1]
        for phase in bulk.list_phases(case):
            weigh = phase.weight or (lambda _row: 1)
            for batch in bulk.batch_rows(
                phase.rows(), batch_size=bulk.BATCH_SIZE, weight=phase.weight
            ):
                params: dict[str, Any] = {"rows": batch}
                if phase.firm_param:
                    params["firmId"] = case.firm.id
                plan.append((phase.query, params))
                weights.append(sum(weigh(row) for row in batch))
        # Sent phase by phase as built (rows are plain data already; only sending is timed).
        for (query, params), weight in zip(plan, weights, strict=True):
            started = time.perf_counter()
            graph.write(query.text, params)
            seconds += time.perf_counter() - started
            rows += weight
            statements += 1
    finally:
        await store.close()
    return {"rows": rows, "statements": statements, "seconds": seconds}


# --- 2. the server ---------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    port: int
    engine_pid: int | None = None
    start_seconds: float = 0.0


def start_server(engines: Engines, log_path: Path) -> Server:
    port = free_port()
    env = {**os.environ, **engines.serve_env()}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_path.open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    if not wait_until_up(base, process, path="/readyz", seconds=600):
        raise SystemExit(f"kflow serve did not come up; see {log_path}")
    server = Server(process, base, port, start_seconds=time.perf_counter() - started)
    server.engine_pid = engines.engine_pid(process.pid)
    return server


def stop_server(server: Server) -> None:
    server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


# --- 3. an export of the graph, and the networkx model built from it ---------------------------


@dataclass
class Export:
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    flows: list[dict[str, Any]] = field(default_factory=list)
    learning: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    knowledge: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_in_pages(graph: DirectClient, text: str, page: int = 20_000) -> Iterator[list[Any]]:
    """Rows of a `SKIP $skip LIMIT $limit` query over the firm, a page per round trip."""
    for start in itertools.count(0, page):
        rows = graph.rows(text, {"firm": FIRM, "skip": start, "limit": page})
        if not rows:
            return
        yield from rows


def export_graph(graph: DirectClient) -> Export:
    """Read the firm back from the engine, page by page (the 10 s query limit applies)."""
    export = Export()
    for (unit,) in graph.rows(BENCH_STATEMENTS["export/list_firm_units"].text, {"firm": FIRM}):
        export.units[unit["id"]] = dict(unit)
    ids = sorted(export.units)
    for start in range(0, len(ids), 400):
        for row in graph.rows(
            BENCH_STATEMENTS["export/list_flows_from_units"].text,
            {"ids": ids[start : start + 400]},
        ):
            source, target, flow_id, direction, mode, item, date = row
            export.flows.append(
                {
                    "from": source,
                    "to": target,
                    "id": flow_id,
                    "direction": direction,
                    "mode": mode,
                    "knowledge": item,
                    "date": date,
                }
            )
    for item, name, learned in read_in_pages(
        graph, BENCH_STATEMENTS["export/list_knowledge_learning"].text
    ):
        export.knowledge[item] = {"id": item, "name": name}
        export.learning[item] = [dict(e) for e in learned if e["id"] is not None]
    for event, used in read_in_pages(
        graph, BENCH_STATEMENTS["export/list_integration_events"].text
    ):
        export.events.append(dict(event) | {"knowledge": used})
    return export


@dataclass
class Model:
    """The export in networkx, with the in-memory indexes a Python service would keep."""

    export: Export
    pairs: nx.DiGraph
    upstream: nx.DiGraph
    flows_of: dict[str, list[dict[str, Any]]]
    events_using: dict[str, list[dict[str, Any]]]


def build_model(export: Export) -> Model:
    pairs = nx.DiGraph()
    upstream = nx.DiGraph()
    pairs.add_nodes_from(export.units)
    flows_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for flow in export.flows:
        pairs.add_edge(flow["from"], flow["to"])
        if flow["direction"] != "downward":
            upstream.add_edge(flow["from"], flow["to"])
        if flow["knowledge"]:
            flows_of[flow["knowledge"]].append(flow)
    events_using: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in export.events:
        for item in event["knowledge"]:
            events_using[item].append(event)
    return Model(export, pairs, upstream, flows_of, events_using)


def overlaps(event: dict[str, Any], since: str | None, until: str | None) -> bool:
    """The API's rule: dates compare at their common precision."""
    end = event["until"] or event["date"]
    if since is not None and (end is None or end[: len(since)] < since[: len(end)]):
        return False
    start = event["date"]
    return until is None or (start is not None and start[: len(until)] <= until[: len(start)])


def nx_reverse_paths(model: Model, source: str, first: int) -> list[list[str]]:
    paths = nx.all_simple_paths(model.upstream, source, TARGET, cutoff=4)
    return sorted(paths, key=lambda p: (len(p), p))[:first]


def dates_in_order(before: str | None, after: str | None) -> bool:
    """The API's rule: partial dates compare at their common precision; undated is fine."""
    if before is None or after is None:
        return True
    common = min(len(before), len(after))
    return before[:common] <= after[:common]


def count_trails(flows: list[dict[str, Any]], start: str, target: str) -> int:
    """Trails of one item's upward/horizontal flows, no unit twice, dates in order, <= 6."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for flow in flows:
        if flow["direction"] != "downward":
            out[flow["from"]].append(flow)
    found = 0

    def walk(unit: str, seen: set[str], last: str | None, depth: int) -> None:
        nonlocal found
        if unit == target and depth:
            found += 1
            return
        if depth == 6:
            return
        for flow in out[unit]:
            if flow["to"] not in seen and (depth == 0 or dates_in_order(last, flow["date"])):
                walk(flow["to"], seen | {flow["to"]}, flow["date"], depth + 1)

    walk(start, {start}, None, 0)
    return found


def nx_circulation(model: Model, item: str) -> dict[str, Any]:
    flows = model.flows_of.get(item, [])
    learners = sorted({e["unit"] for e in model.export.learning.get(item, [])})
    trails = sum(count_trails(flows, learner, "synth-ccd") for learner in learners)
    return {
        "learned": sorted(e["id"] for e in model.export.learning.get(item, [])),
        "disseminations": sorted(f["id"] for f in flows if f["direction"] != "upward"),
        "integrations": sorted(e["id"] for e in model.events_using.get(item, [])),
        "paths": min(trails, 50),
    }


def nx_events(model: Model, since: str, until: str) -> list[str]:
    chosen = [
        e
        for e in model.export.events
        if e["step"] == "renew" and e["tier"] == "high" and overlaps(e, since, until)
    ]
    chosen.sort(key=lambda e: (e["date"] is None, e["date"] or "", e["id"]))
    return [e["id"] for e in chosen[:50]]


def nx_matrix(model: Model) -> dict[tuple[str, str], tuple[int, list[str]]]:
    cells: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for event in model.export.events:
        cells[(event["tier"], event["step"])].append(event)
    answer = {}
    for key, events in cells.items():
        events.sort(key=lambda e: (e["date"] is None, e["date"] or "", e["id"]))
        answer[key] = (len(events), [e["id"] for e in events[:50]])
    return answer


def upstream_as_of(model: Model, as_of: str | None) -> nx.DiGraph:
    """The upward graph with only the pairs that had a flow dated on or before `as_of`."""
    if as_of is None:
        return model.upstream
    graph = nx.DiGraph()
    graph.add_nodes_from(model.upstream.nodes)
    graph.add_edges_from(
        (f["from"], f["to"])
        for f in model.export.flows
        if f["direction"] != "downward" and f["date"] and dates_in_order(f["date"], as_of)
    )
    return graph


def nx_cut_off_counts(model: Model, as_of: str | None) -> dict[str, int]:
    """networkx's own dominators (not kflow's code) of the reversed upward graph."""
    reversed_graph = upstream_as_of(model, as_of).reverse(copy=False)
    parent = {TARGET: TARGET, **nx.immediate_dominators(reversed_graph, TARGET)}
    tree = nx.DiGraph([(p, c) for c, p in parent.items() if c != p])
    tree.add_node(TARGET)
    below = dict.fromkeys(parent, 0)
    for unit in reversed(list(nx.bfs_tree(tree, TARGET))):  # deepest units first
        if unit != TARGET:
            below[parent[unit]] += below[unit] + 1
    return below


def nx_critical_units(
    model: Model, first: int, as_of: str | None
) -> tuple[int, list[tuple[str, int]]]:
    counts = nx_cut_off_counts(model, as_of)
    ranked = sorted(
        ((u, n) for u, n in counts.items() if n and u != TARGET), key=lambda c: (-c[1], c[0])
    )
    return len(counts) - 1, ranked[:first]


def nx_release_impact(model: Model, unit: str) -> list[str]:
    """Brute force: the units that reach the centre now, and no longer once `unit` is gone."""
    reaching = nx.ancestors(model.upstream, TARGET)
    without = model.upstream.copy()
    without.remove_node(unit)
    return sorted(reaching - nx.ancestors(without, TARGET) - {unit})


HQ_LEVEL = ("hq", "capability_centre")


def months_between(start: str, end: str) -> float:
    """Months from one partial date to another, at the precision both dates have."""
    common = min(start.count("-"), end.count("-")) + 1
    if common == 3:
        days = datetime.date.fromisoformat(end) - datetime.date.fromisoformat(start)
        return days.days / (365.2425 / 12)
    start_month = int(start[:4]) * 12 + (int(start[5:7]) - 1 if common == 2 else 0)
    end_month = int(end[:4]) * 12 + (int(end[5:7]) - 1 if common == 2 else 0)
    return float(end_month - start_month)


def py_transfer_lag(model: Model) -> dict[str, Any]:
    """Plain Python over the export: for every learning event below the HQ level, the months
    to the first later arrival of its item at the HQ level, and to the first later use."""
    roles = {unit: u["role"] for unit, u in model.export.units.items()}
    arrivals: dict[str, list[str | None]] = defaultdict(list)
    for flow in model.export.flows:
        if (
            flow["knowledge"]
            and roles[flow["to"]] in HQ_LEVEL
            and roles[flow["from"]] not in HQ_LEVEL
        ):
            arrivals[flow["knowledge"]].append(flow["date"])
    uses: dict[str, list[str | None]] = defaultdict(list)
    for event in model.export.events:
        for item in event["knowledge"]:
            uses[item].append(event["date"])

    def lag(start: str | None, ends: list[str | None]) -> float | str:
        if not ends:
            return "never"
        if start is None:
            return "undated"
        later = [end for end in ends if end is not None and dates_in_order(start, end)]
        if later:
            return max(months_between(start, min(later)), 0.0)
        return "undated" if None in ends else "never"

    def summarise(lags: list[float | str]) -> dict[str, Any]:
        months = sorted(x for x in lags if isinstance(x, float))
        return {
            "count": len(months),
            "median": round(statistics.median(months), 6) if months else None,
            "p90": round(months[-(-len(months) * 9 // 10) - 1], 6) if months else None,
            "undated": lags.count("undated"),
            "never": lags.count("never"),
        }

    to_hq: list[float | str] = []
    to_use: list[float | str] = []
    for item, events in model.export.learning.items():
        for event in events:
            if roles[event["unit"]] in HQ_LEVEL:
                continue
            to_hq.append(lag(event["date"], arrivals.get(item, [])))
            to_use.append(lag(event["date"], uses.get(item, [])))
    return {"events": len(to_hq), "toHq": summarise(to_hq), "toIntegration": summarise(to_use)}


def transfer_lag_answer(answer: dict[str, Any]) -> dict[str, Any]:
    lag = answer["transferLag"]

    def rounded(d: dict[str, Any]) -> dict[str, Any]:
        return {
            "count": d["count"],
            "median": None if d["medianMonths"] is None else round(d["medianMonths"], 6),
            "p90": None if d["p90Months"] is None else round(d["p90Months"], 6),
            "undated": d["undated"],
            "never": d["never"],
        }

    return {
        "events": lag["learningEvents"],
        "toHq": rounded(lag["toHq"]),
        "toIntegration": rounded(lag["toIntegration"]),
    }


def nx_top_brokers(model: Model, first: int) -> list[tuple[str, int]]:
    graph = model.pairs
    brokerage = {}
    for unit in graph.nodes:
        ins, outs = set(graph.predecessors(unit)), set(graph.successors(unit))
        linked = sum(len(outs.intersection(graph.successors(a))) for a in ins)
        brokerage[unit] = len(ins) * len(outs) - len(ins & outs) - linked
    return sorted(brokerage.items(), key=lambda item: (-item[1], item[0]))[:first]


def nx_nested_walk(model: Model, order: str) -> list[Any]:
    """The nested walk by hand: 20 units, 5 flows out of each, 5 out of each flow's receiver."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    volume: dict[str, int] = defaultdict(int)
    for flow in model.export.flows:
        out[flow["from"]].append(flow)
        volume[flow["from"]] += 1
        volume[flow["to"]] += 1
    for flows in out.values():
        flows.sort(key=lambda f: (f["date"] or "~", f["id"]))
    units = model.export.units.values()
    if order == "FLOW_VOLUME":  # most first; ties by id, descending like the sort key
        chosen = sorted(units, key=lambda u: (volume[u["id"]], u["id"]), reverse=True)[:20]
    else:
        chosen = sorted(units, key=lambda u: (u["name"], u["id"]))[:20]
    return [
        [
            unit["id"],
            [[f["id"], f["to"], [g["id"] for g in out[f["to"]][:5]]] for f in out[unit["id"]][:5]],
        ]
        for unit in chosen
    ]


# --- 4. the queries ----------------------------------------------------------------------------


REVERSE = """query Reverse($from: ID!, $first: Int!) {
  reverseTransferPaths(from: $from, maxHops: 4, first: $first) {
    edges { node { length hops { role unit { id name } flow { id direction date } } } }
  }
}"""
CIRCULATION = """query Circulation($knowledge: ID!) {
  circulation(knowledge: $knowledge) {
    knowledge { id name }
    learned { id date unit { id } }
    reverseTransferPaths { length hops { unit { id } } }
    integrations { id step tier date }
    disseminations { id direction date }
    timeline { stage date }
  }
}"""
EVENTS = """query Events($since: PartialDate!, $until: PartialDate!) {
  integrationEvents(firm: "synth", step: RENEW, tier: HIGH, since: $since, until: $until,
                    first: 50) {
    edges { node { id step tier date until description } }
  }
}"""
MATRIX = """query Matrix { integrationMatrix(firm: "synth") {
  tier step count events { id date } } }"""
NESTED = """query Nested($order: UnitOrder!) { firm(id: "synth") {
  units(first: 20, orderBy: $order) { edges { node { id
    flowsOut(first: 5) { edges { node { id to { id
      flowsOut(first: 5) { edges { node { id } } } } } } } } } } } }"""
HUB_METRICS = """query Hubs { hubMetrics(firm: "synth") {
  outflowThreshold inflowThreshold
  units(first: 100, orderBy: BROKERAGE) { totalCount edges { node {
    unit { id } brokerage subsidiaryRole inflow { total } outflow { total } } } } } }"""
CRITICAL = """query Critical($asOf: PartialDate) { criticalUnits(firm: "synth", asOf: $asOf) {
  unitsWithRoute units(first: 100) { edges { node { cutOff unit { id } } } } } }"""
RELEASE = """query Release($unit: ID!) { releaseImpact(unit: $unit) {
  hasRoute cutOffIds lostKnowledge { id } } }"""
LAG_FIELDS = "count medianMonths p90Months undated never"
LAG = f"""query Lag {{ transferLag(firm: "synth") {{ learningEvents
  toHq {{ {LAG_FIELDS} }} toIntegration {{ {LAG_FIELDS} }} }} }}"""


@dataclass
class Spec:
    name: str
    label: str
    document: str
    variables: list[dict[str, Any]]
    runs: int
    reference: Callable[[Model, dict[str, Any]], Any]
    answer: Callable[[dict[str, Any]], Any]
    # Most of these requests' time is the engine's; the analytics compute in Python.
    engine_bound: bool = True


def specs(export: Export, size: str) -> list[Spec]:
    rnd = random.Random(7)
    subsidiaries = sorted(u for u, v in export.units.items() if "subsidiary" in v["role"])
    counts: dict[str, int] = defaultdict(int)
    for flow in export.flows:
        counts[flow["knowledge"]] += 1
    typical = sorted(k for k, n in counts.items() if 8 <= n <= 14) or sorted(counts)
    years = [str(y) for y in range(2008, 2022)]
    hubs = sorted(u for u, v in export.units.items() if v["role"] == "regional_hq")
    return [
        Spec(
            "reverseTransferPaths",
            "reverseTransferPaths (first 20, maxHops 4)",
            REVERSE,
            [{"from": s, "first": 20} for s in rnd.sample(subsidiaries, 40)],
            60,
            lambda m, v: nx_reverse_paths(m, v["from"], v["first"]),
            lambda d: [
                [h["unit"]["id"] for h in e["node"]["hops"]]
                for e in d["reverseTransferPaths"]["edges"]
            ],
        ),
        Spec(
            "circulation",
            "circulation (one knowledge item)",
            CIRCULATION,
            [{"knowledge": k} for k in rnd.sample(typical, 20)],
            20,
            lambda m, v: nx_circulation(m, v["knowledge"]),
            lambda d: {
                "learned": sorted(e["id"] for e in d["circulation"]["learned"]),
                "disseminations": sorted(f["id"] for f in d["circulation"]["disseminations"]),
                "integrations": sorted(e["id"] for e in d["circulation"]["integrations"]),
                "paths": len(d["circulation"]["reverseTransferPaths"]),
            },
        ),
        Spec(
            "integrationEvents",
            "integrationEvents (page of 50, filtered)",
            EVENTS,
            [{"since": y, "until": str(int(y) + 1)} for y in years],
            40,
            lambda m, v: nx_events(m, v["since"], v["until"]),
            lambda d: [e["node"]["id"] for e in d["integrationEvents"]["edges"]],
        ),
        Spec(
            "integrationMatrix",
            "integrationMatrix (one firm)",
            MATRIX,
            [{}],
            20,
            lambda m, v: nx_matrix(m),
            lambda d: {
                (c["tier"].lower(), c["step"].lower()): (
                    c["count"],
                    [e["id"] for e in c["events"]],
                )
                for c in d["integrationMatrix"]
                if c["count"]
            },
        ),
        Spec(
            "hubMetrics",
            "hubMetrics (the 100 biggest brokers)",
            HUB_METRICS,
            [{}],
            30,
            lambda m, v: nx_top_brokers(m, 100),
            lambda d: [
                (e["node"]["unit"]["id"], e["node"]["brokerage"])
                for e in d["hubMetrics"]["units"]["edges"]
            ],
        ),
        Spec(
            "nestedWalk",
            "firm -> 20 units -> 5 flows each -> to -> 5 flows each",
            NESTED,
            [{"order": "NAME"}, {"order": "FLOW_VOLUME"}],
            30,
            lambda m, v: nx_nested_walk(m, v["order"]),
            lambda d: [
                [
                    u["node"]["id"],
                    [
                        [
                            f["node"]["id"],
                            f["node"]["to"]["id"],
                            [g["node"]["id"] for g in f["node"]["to"]["flowsOut"]["edges"]],
                        ]
                        for f in u["node"]["flowsOut"]["edges"]
                    ],
                ]
                for u in d["firm"]["units"]["edges"]
            ],
        ),
        Spec(
            "criticalUnits",
            "criticalUnits (whole firm, dominator tree; now and as of 2007, 2009)",
            CRITICAL,
            [{"asOf": None}, {"asOf": "2007"}, {"asOf": "2009"}],
            21,
            lambda m, v: nx_critical_units(m, 100, v["asOf"]),
            lambda d: (
                d["criticalUnits"]["unitsWithRoute"],
                [
                    (e["node"]["unit"]["id"], e["node"]["cutOff"])
                    for e in d["criticalUnits"]["units"]["edges"]
                ],
            ),
            engine_bound=False,
        ),
        Spec(
            "releaseImpact",
            "releaseImpact (a regional hub)",
            RELEASE,
            [{"unit": hub} for hub in hubs[:5]],
            30,
            lambda m, v: nx_release_impact(m, v["unit"]),
            lambda d: d["releaseImpact"]["cutOffIds"],
            engine_bound=False,
        ),
        Spec(
            "transferLag",
            "transferLag (whole firm: every learning event)",
            LAG,
            [{}],
            5,
            lambda m, v: py_transfer_lag(m),
            transfer_lag_answer,
            engine_bound=False,
        ),
    ]


class Recorder:
    """A store that notes every statement a request runs (to replay them on the engine)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.backend = store.backend
        self.calls: list[tuple[Query, dict[str, Any]]] = []

    async def read(self, query: Query, params: Any = None) -> Any:
        self.calls.append((query, dict(params or {})))
        return await self.store.read(query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


async def record_statements(
    engines: Engines, document: str, variables: dict[str, Any]
) -> list[tuple[Query, dict[str, Any]]]:
    store = engines.recording_store()
    recorder = Recorder(store)
    try:
        result = await schema.execute(
            document,
            variable_values=variables,
            context_value=Context(
                recorder,  # type: ignore[arg-type]
                max_page_size=100,
                credential=Credential(token=None, keys=None, anonymous=Role.READER),
            ),
        )
        if result.errors:
            raise SystemExit(f"in-process GraphQL failed: {result.errors}")
    finally:
        await store.close()
    return recorder.calls


def graphql(client: httpx.Client, base: str, document: str, variables: dict[str, Any]) -> Any:
    response = client.post(
        f"{base}/graphql", json={"query": document, "variables": variables}, timeout=120
    )
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"GraphQL error: {response.status_code} {body.get('errors')}")
    return body["data"]


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = work()
    return (time.perf_counter() - started) * 1000, value


def summary(times: Iterable[float]) -> dict[str, float]:
    values = list(times)
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "runs": len(values),
    }


def measure(spec: Spec, server: Server, engines: Engines, model: Model) -> dict[str, Any]:
    graph = engines.direct("kflow")
    recorded = [asyncio.run(record_statements(engines, spec.document, v)) for v in spec.variables]
    agree = True
    http_ms, engine_ms, internal_ms, nx_ms = [], [], [], []
    with httpx.Client() as client:
        # Warm up every layer once. The first request is kept apart: the release analysis
        # builds a firm's dominator tree then, and reuses it until the firm changes.
        first_ms = [
            timed(lambda v=variables: graphql(client, server.base, spec.document, v))[0]
            for variables in spec.variables[:3]
        ]
        for run in range(spec.runs):
            index = run % len(spec.variables)
            variables = spec.variables[index]
            elapsed, data = timed(
                lambda v=variables: graphql(client, server.base, spec.document, v)
            )
            http_ms.append(elapsed)
            statements = [(q.text, check_params(q, p, mode="read")) for q, p in recorded[index]]

            def replay(statements: list[tuple[str, dict[str, Any]]] = statements) -> float:
                inside = 0.0
                for text, params in statements:
                    inside += graph.execution_ms(text, params)
                return inside

            elapsed, inside = timed(replay)
            engine_ms.append(elapsed)
            internal_ms.append(inside)
            elapsed, reference = timed(lambda v=variables: spec.reference(model, v))
            nx_ms.append(elapsed)
            if run < len(spec.variables) and spec.answer(data) != reference:
                agree = False
                log(f"  {spec.name}: the API and networkx disagree for {variables}")
    http, engine, reference = summary(http_ms), summary(engine_ms), summary(nx_ms)
    internal = summary(internal_ms)
    return {
        "name": spec.name,
        "query": spec.label,
        "statements_per_request": round(statistics.mean(len(r) for r in recorded), 1),
        "http": http,
        "engine": engine,
        "networkx": reference,
        "engine_internal": internal,
        "http_over_engine_p50": round(http["p50_ms"] / engine["p50_ms"], 2),
        "http_over_engine_internal_p50": round(http["p50_ms"] / internal["p50_ms"], 2),
        "http_over_networkx_p50": round(http["p50_ms"] / reference["p50_ms"], 2),
        "answers_agree": agree,
        "engine_bound": spec.engine_bound,
        "first_request_ms": round(first_ms[0], 2),
    }


# --- 5. concurrency ------------------------------------------------------------------------------


async def hammer(port: int, bodies: list[bytes], total: int, clients: int) -> dict[str, Any]:
    """`total` requests over `clients` keep-alive connections, with a minimal HTTP client (so
    the load generator costs little of the two cores the server and engine share)."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for n in counter:
                body = bodies[n % len(bodies)]
                request = (
                    b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nContent-Length: "
                    + str(len(body)).encode()
                    + b"\r\n\r\n"
                    + body
                )
                started = time.perf_counter()
                writer.write(request)
                status = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                payload = await reader.readexactly(length)
                latencies.append((time.perf_counter() - started) * 1000)
                if b" 200 " not in status or b'"errors"' in payload:
                    errors += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - started
    return {
        "requests": total,
        "clients": clients,
        "seconds": round(seconds, 2),
        "throughput_rps": round(total / seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "errors": errors,
    }


# --- the report ----------------------------------------------------------------------------------


def target_rows(results: dict[str, Any]) -> list[str]:
    """The issue's targets, each with this run's figure and whether it was met."""
    queries = {q["name"]: q for q in results["queries"]}
    c = results["concurrency"]
    checks = [
        (
            "load through kflow >= 0.7x raw",
            f"{results['load']['ratio']:.2f}x",
            results["load"]["ratio"] >= 0.7,
        ),
        *(
            (
                f"{q['query']}: HTTP p50 <= 1.5x engine",
                f"{q['http_over_engine_p50']}x",
                q["http_over_engine_p50"] <= 1.5,
            )
            for q in results["queries"]
            if q.get("engine_bound", True)
        ),
        *(
            (
                "releaseImpact (a regional hub) p95 < 200 ms",
                f"{q['http']['p95_ms']} ms",
                q["http"]["p95_ms"] < 200,
            )
            for q in results["queries"]
            if q["name"] == "releaseImpact"
        ),
        *(
            (
                f"{name} p95 < {limit:,} ms",
                f"{queries[name]['http']['p95_ms']} ms",
                queries[name]["http"]["p95_ms"] < limit,
            )
            for name, limit in (("reverseTransferPaths", 100), ("hubMetrics", 1000))
            if name in queries  # --only may have left it out
        ),
        (
            f">= 200 requests/s under {c['clients']} clients, zero errors",
            f"{c['throughput_rps']} requests/s, {c['errors']} errors",
            c["throughput_rps"] >= 200 and c["errors"] == 0,
        ),
        (
            "benchmark under 15 minutes",
            f"{results['total_seconds'] / 60:.1f} min",
            results["total_seconds"] < 900,
        ),
    ]
    return [f"| {name} | {figure} | {'yes' if met else '**no**'} |" for name, figure, met in checks]


def render_markdown(results: dict[str, Any]) -> str:
    load, env = results["load"], results["environment"]
    lines = [
        f"# {results['firm']['size']} firm",
        "",
        f"Run: {results['started']} on {env['cores']} cores ({env['cpu']}), "
        f"load average {env['load_before']} before and {env['load_after']} after; "
        f"{env['engine']}; total {results['total_seconds']:.0f} s. During the run the "
        f"two cores were {env['cpu_during_run']['busy_percent']}% busy (the benchmark itself "
        f"keeps them busy) and {env['cpu_during_run']['steal_percent']}% of CPU time was taken "
        "by the host (steal).",
        "",
        f"Firm: {results['firm']['size']} — "
        + ", ".join(f"{v:,} {k}" for k, v in results["firm"]["records"].items() if v)
        + f"; generated in {results['firm']['generate_seconds']:.1f} s.",
        "",
        "## Load",
        "",
        "| path | rows | statements | seconds | rows/s |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| kflow (validate, check ids, staged batches, publish) | {load['kflow']['rows']:,} | "
        f"{load['kflow']['statements']} | {load['kflow']['seconds']:.1f} | "
        f"{load['kflow']['rows_per_second']:,.0f} |",
        f"| kflow write phase only | {load['kflow']['rows']:,} | {load['kflow']['statements']} | "
        f"{load['kflow']['write_seconds']:.1f} | "
        f"{load['kflow']['rows'] / load['kflow']['write_seconds']:,.0f} |",
        f"| raw UNWIND, same rows and statements, straight to the engine | "
        f"{load['raw']['rows']:,} | {load['raw']['statements']} | {load['raw']['seconds']:.1f} | "
        f"{load['raw']['rows_per_second']:,.0f} |",
        "",
        f"kflow / raw rate: **{load['ratio']:.2f}** "
        f"(validation {load['kflow']['validate_seconds']:.1f} s, "
        f"id check {load['kflow']['check_seconds']:.1f} s, "
        f"write {load['kflow']['write_seconds']:.1f} s; "
        f"log rewrite afterwards {load['kflow']['rewrite_seconds']:.1f} s). "
        f"`kflow serve` was ready {results['server']['start_seconds']:.1f} s after it started on "
        "the loaded data.",
        "",
        "## Query latency (ms)",
        "",
        "| query | statements | HTTP p50 | HTTP p95 | engine p50 | engine p95 | engine "
        "execution p50 | networkx p50 | networkx p95 | HTTP / engine | HTTP / engine "
        "execution | HTTP / networkx | answers agree |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| --- |",
    ]
    for q in results["queries"]:
        lines.append(
            f"| {q['query']} | {q['statements_per_request']} | {q['http']['p50_ms']} | "
            f"{q['http']['p95_ms']} | {q['engine']['p50_ms']} | {q['engine']['p95_ms']} | "
            f"{q['engine_internal']['p50_ms']} | "
            f"{q['networkx']['p50_ms']} | {q['networkx']['p95_ms']} | "
            f"{q['http_over_engine_p50']} | {q['http_over_engine_internal_p50']} | "
            f"{q['http_over_networkx_p50']} | "
            f"{'yes' if q['answers_agree'] else 'NO'} |"
        )
    c = results["concurrency"]
    cpu = c["cpu_ms_per_request"]
    memory = results["memory_mib"]
    lines += [
        "",
        "HTTP: end to end through `kflow serve` (one request at a time, keep-alive). Engine: the "
        "statements the same request runs, replayed one after the other straight on the engine "
        "with its official client, falkordb or the Neo4j driver (round trips and reply "
        "decoding included). Engine execution: the engine's own time for those statements "
        "(FalkorDB's `Query internal execution time`; Neo4j's result available + consumed "
        "times), with no transport or decoding. networkx: the same answer computed in "
        "process from an export of the graph (building the model is not timed: "
        f"{results['networkx_build_seconds']:.1f} s). Answers agree: the API's answer equals "
        "networkx's for every input.",
        "",
        "## Concurrency",
        "",
        "| query | clients | requests | seconds | requests/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| reverseTransferPaths (first 10, maxHops 4) | {c['clients']} | {c['requests']} | "
        f"{c['seconds']} | {c['throughput_rps']} | {c['p50_ms']} | {c['p95_ms']} | "
        f"{c['p99_ms']} | {c['errors']} |",
        "",
        f"CPU per request during that run: {cpu['service']} ms in `kflow serve`, "
        f"{cpu['engine']} ms in the engine, so {env['cores']} cores could serve at most "
        f"{env['cores'] * 1000 / (cpu['service'] + cpu['engine']):.0f} requests/s with nothing "
        "else running.",
        "",
        "## Targets",
        "",
        "| target | figure | met |",
        "| --- | --- | --- |",
        *target_rows(results),
        "",
        "## Memory (resident, MiB)",
        "",
        "| process | after the load | at the end |",
        "| --- | ---: | ---: |",
        f"| kflow serve | {memory['service_after_load']:.0f} | {memory['service_at_end']:.0f} |",
        f"| engine ({env['engine']}) | {memory['engine_after_load']:.0f} | "
        f"{memory['engine_at_end']:.0f} |",
        "",
    ]
    return "\n".join(lines)


def run_size(size_name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Generate, load, serve and time one size of the synthetic firm on fresh engines."""
    began = time.perf_counter()
    results: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "environment": {
            "cores": os.cpu_count(),
            "cpu": next(
                (
                    line.split(":", 1)[1].strip()
                    for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")
                ),
                "?",
            ),
            "load_before": [round(x, 2) for x in os.getloadavg()],
            "python": sys.version.split()[0],
        },
    }
    cpu_before = cpu_times()
    work = Path(tempfile.mkdtemp(prefix=f"kflow-bench-{size_name}-"))
    try:
        with engines_for(args.backend, work) as engines:
            run_bench(size_name, args, engines, work, results)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["environment"]["load_after"] = [round(x, 2) for x in os.getloadavg()]
    results["environment"]["cpu_during_run"] = cpu_shares(cpu_before, cpu_times())
    results["total_seconds"] = time.perf_counter() - began
    return results


def size_order(name: str) -> int:
    return list(SIZES).index(name)


def scaling_rows(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each query's HTTP p50 at the smallest and the largest size run, and their ratio."""
    smallest, largest = runs[min(runs, key=size_order)], runs[max(runs, key=size_order)]
    small = {q["name"]: q for q in smallest["queries"]}
    return [
        {
            "name": q["name"],
            "query": q["query"],
            "small_p50_ms": small[q["name"]]["http"]["p50_ms"],
            "large_p50_ms": q["http"]["p50_ms"],
            "ratio": round(q["http"]["p50_ms"] / small[q["name"]]["http"]["p50_ms"], 2),
        }
        for q in largest["queries"]
        if q["name"] in small
    ]


def issue_targets(runs: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, bool]]:
    """The targets with this run's figures at the largest size: figure, value, target, met."""
    smallest, largest = min(runs, key=size_order), max(runs, key=size_order)
    large = runs[largest]
    c = large["concurrency"]
    cpu = c["cpu_ms_per_request"]
    cpu_ratio = cpu["service"] / cpu["engine"] if cpu["engine"] else float("inf")
    spent = cpu["service"] + cpu["engine"]
    bound = (large["environment"]["cores"] or 1) * 1000 / spent if spent else float("inf")
    rows: list[tuple[str, str, str, bool]] = []
    # The analytics compute in Python, so their HTTP time over the engine's says nothing.
    engine_bound = [q for q in large["queries"] if q.get("engine_bound", True)]
    if engine_bound:
        worst = max(engine_bound, key=lambda q: q["http_over_engine_p50"])
        rows.append(
            (
                "HTTP p50 / engine p50, every engine-bound query",
                f"up to {worst['http_over_engine_p50']}x ({worst['name']})",
                "<= 1.3x",
                worst["http_over_engine_p50"] <= 1.3,
            )
        )
    rows += [
        (
            "API CPU per request / engine CPU per request",
            f"{cpu_ratio:.2f}x ({cpu['service']} / {cpu['engine']} ms)",
            "<= 1.0x",
            cpu_ratio <= 1.0,
        ),
        (
            f"requests/s under {c['clients']} clients / CPU bound",
            f"{c['throughput_rps'] / bound:.2f} ({c['throughput_rps']} of {bound:.0f} requests/s),"
            f" {c['errors']} errors",
            ">= 0.8, zero errors",
            c["throughput_rps"] / bound >= 0.8 and c["errors"] == 0,
        ),
    ]
    if len(runs) > 1:
        scaling = {row["name"]: row for row in scaling_rows(runs)}
        for name in ("circulation", "integrationMatrix"):
            if name in scaling:
                rows.append(
                    (
                        f"`{name}` p50 {largest} / {smallest}",
                        f"{scaling[name]['ratio']}x",
                        "<= 2x",
                        scaling[name]["ratio"] <= 2,
                    )
                )
    rows.append(
        (
            "load through kflow / raw",
            f"{large['load']['ratio']:.2f}",
            ">= 0.9",
            large["load"]["ratio"] >= 0.9,
        )
    )
    return rows


def render_summary(runs: dict[str, dict[str, Any]], command: str) -> str:
    """The scaling table and the targets table, over every size run."""
    order = sorted(runs, key=size_order)
    engine = runs[order[-1]]["environment"]["engine"]
    lines = [f"# kflow benchmark: {', '.join(order)} ({engine})", "", f"Command: `{command}`", ""]
    for name in order:
        env = runs[name]["environment"]
        lines.append(
            f"- {name}: load average {env['load_before']} before and {env['load_after']} after,"
            f" cores {env['cpu_during_run']['busy_percent']}% busy,"
            f" {runs[name]['total_seconds']:.0f} s"
        )
    if len(runs) > 1:
        lines += [
            "",
            "## Scaling: HTTP p50 (ms) at each size",
            "",
            f"| query | {order[0]} | {order[-1]} | {order[-1]} / {order[0]} |",
            "| --- | ---: | ---: | ---: |",
            *(
                f"| {row['query']} | {row['small_p50_ms']} | {row['large_p50_ms']} | "
                f"{row['ratio']}x |"
                for row in scaling_rows(runs)
            ),
        ]
    lines += [
        "",
        f"## Targets (at the {order[-1]} size)",
        "",
        "| figure | this run | target | met |",
        "| --- | --- | --- | --- |",
        *(
            f"| {figure} | {value} | {target} | {'yes' if met else '**no**'} |"
            for figure, value, target, met in issue_targets(runs)
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        choices=sorted(SIZES),
        action="append",
        help="a size to run (repeat for more); default: small, then large",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench")
    parser.add_argument("--backend", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument(
        "--only", action="append", help="time only these queries (by name, e.g. nestedWalk)"
    )
    args = parser.parse_args()
    sizes = sorted(set(args.size or ["small", "large"]), key=size_order)
    command = " ".join(["bench/run.py", *sys.argv[1:]])
    runs = {size: run_size(size, args) for size in sizes}
    summary = render_summary(runs, command)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "results" if args.backend == "embedded" else f"results-{args.backend}"
    report = {
        "command": command,
        "sizes": runs,
        "scaling": scaling_rows(runs) if len(runs) > 1 else [],
    }
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (args.out / f"{stem}.md").write_text(
        summary + "\n" + "\n".join(render_markdown(runs[size]) for size in sizes)
    )
    print(summary)
    log(f"wrote {args.out / (stem + '.json')} and {args.out / (stem + '.md')}")


def run_bench(
    size_name: str,
    args: argparse.Namespace,
    engines: Engines,
    work: Path,
    results: dict[str, Any],
) -> None:
    """Generate, load, serve and time."""
    size = SIZES[size_name]
    log(f"generating the {size_name} firm in {work}")
    with paused_gc():
        generated, document = timed(lambda: generate_case_document(size=size))
    results["firm"] = {"size": size_name, "generate_seconds": generated / 1000}

    log("loading through kflow (validate, check, staged batches, publish)")
    case, validate_seconds = validate_for_load(document)
    del document
    kflow_load = asyncio.run(load_through_kflow(case, engines, validate_seconds))
    results["firm"]["records"] = dict(bulk.count_records(case))
    kflow_load["rows_per_second"] = kflow_load["rows"] / kflow_load["seconds"]

    log("loading the same rows raw into a second engine")
    with paused_gc():
        raw = asyncio.run(load_raw(case, engines))
    raw["rows_per_second"] = raw["rows"] / raw["seconds"]
    shutil.rmtree(work / "raw", ignore_errors=True)
    del case
    results["load"] = {
        "kflow": kflow_load,
        "raw": raw,
        "ratio": kflow_load["rows_per_second"] / raw["rows_per_second"],
    }
    log(
        f"  kflow {kflow_load['rows_per_second']:,.0f} rows/s, raw "
        f"{raw['rows_per_second']:,.0f} rows/s"
    )

    log("starting kflow serve on the loaded data")
    server = start_server(engines, work / "serve.log")
    try:
        results["server"] = {"start_seconds": server.start_seconds}
        memory = {
            "service_after_load": rss_mib(server.process.pid),
            "engine_after_load": rss_mib(server.engine_pid),
        }
        results["environment"]["engine"] = engines.version()

        log("exporting the graph for networkx")
        with paused_gc():
            exported, export = timed(lambda: export_graph(engines.direct("kflow")))
            built, model = timed(lambda: build_model(export))
        results["networkx_build_seconds"] = (exported + built) / 1000

        results["queries"] = []
        for spec in specs(export, size_name):
            if args.only and spec.name not in args.only:
                continue
            log(f"timing {spec.label}")
            results["queries"].append(measure(spec, server, engines, model))

        log(f"{args.requests} requests from {CLIENTS} clients")
        subsidiaries = sorted(u for u, v in export.units.items() if "subsidiary" in v["role"])
        bodies = [
            json.dumps({"query": REVERSE, "variables": {"from": s, "first": 10}}).encode()
            for s in random.Random(11).sample(subsidiaries, min(200, len(subsidiaries)))
        ]
        used = cpu_seconds(server.process.pid), cpu_seconds(server.engine_pid)
        results["concurrency"] = asyncio.run(hammer(server.port, bodies, args.requests, CLIENTS))
        results["concurrency"]["cpu_ms_per_request"] = {
            "service": round((cpu_seconds(server.process.pid) - used[0]) / args.requests * 1e3, 2),
            "engine": round((cpu_seconds(server.engine_pid) - used[1]) / args.requests * 1e3, 2),
        }
        memory["service_at_end"] = rss_mib(server.process.pid)
        memory["engine_at_end"] = rss_mib(server.engine_pid)
        results["memory_mib"] = memory
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
