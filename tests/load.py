"""A load of concurrent GraphQL reads and recordFlow writes against a served kflow, and a
check that every acknowledged write is in the graph: the short soak in tests/test_soak.py and
the long, measured one in bench/soak.py both drive it."""

import asyncio
import random
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.helpers import load_test_statement

LIST_WRITTEN_FLOWS = load_test_statement("soak/list_written_flows")
CITE = {"paper": "FU2018", "where": "Figure 1"}

RECORD_FLOW = """mutation($input: FlowInput!) { recordFlow(input: $input) { __typename
  ... on FlowRecorded { flow { id } }
  ... on Rejected { problems { field message } } } }"""
READS = {
    "reverseTransferPaths": """query($unit: ID!) { reverseTransferPaths(from: $unit) {
      totalCount edges { node { length hops { unit { id } } } } } }""",
    "integrationMatrix": """query($firm: ID!) { integrationMatrix(firm: $firm) {
      tier step count events { id } } }""",
    "hubMetrics": """query($firm: ID!) { hubMetrics(firm: $firm) {
      outflowThreshold units(first: 100) { edges { node {
        brokerage subsidiaryRole unit { id } } } } } }""",
    "firmNetwork": """query($firm: ID!) { firmNetwork(firm: $firm) {
      units { id } links { volume from { id } to { id } } sources { events } } }""",
}


@dataclass(frozen=True)
class Plan:
    """What the clients ask: which units and firms to read, and which flows to record."""

    path_units: Sequence[str]
    firms: Sequence[str]
    # (from, to, direction) of the flows the writes record, each under a new id.
    flows: Sequence[tuple[str, str, str]]
    id_prefix: str
    write_share: float = 0.3


@dataclass
class LoadResult:
    requests: int = 0
    reads: int = 0
    writes: int = 0
    errors: int = 0
    error_kinds: Counter[str] = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    warm_at: float | None = None  # monotonic time when warm-up ended
    done_at: list[float] = field(default_factory=list)  # seconds from the start, per answer

    def error(self, kind: str, detail: str) -> None:
        self.errors += 1
        self.error_kinds[kind] += 1
        if len(self.error_examples) < 10:
            self.error_examples.append(f"{kind}: {detail[:300]}")


def windows(times: Sequence[float], width: float) -> list[float]:
    """Answers per second in consecutive windows of `width` seconds (the last may be short)."""
    if not times:
        return []
    counts = Counter(int(t // width) for t in times)
    last = max(counts)
    tail = max(times) - last * width
    return [
        round(counts.get(i, 0) / (width if i < last else max(tail, 1e-9)), 1)
        for i in range(last + 1)
    ]


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def run_load(
    base: str,
    plan: Plan,
    *,
    requests: int,
    clients: int,
    max_seconds: float,
    warmup_requests: int = 0,
    seed: int = 8,
) -> LoadResult:
    """Send `requests` requests from `clients` concurrent clients (each its own connection)."""
    result = LoadResult()
    issued = 0
    started = time.monotonic()
    deadline = started + max_seconds
    chooser = random.Random(seed)

    def next_request() -> tuple[str, dict[str, Any]] | None:
        nonlocal issued
        if issued >= requests or time.monotonic() > deadline:
            return None
        issued += 1
        if issued == warmup_requests:
            result.warm_at = time.monotonic()
        if chooser.random() < plan.write_share:
            source, target, direction = chooser.choice(plan.flows)
            flow = {
                "id": f"{plan.id_prefix}{issued}",
                "from": source,
                "to": target,
                "direction": direction,
                "mode": "PLANNED",
                "cite": CITE,
            }
            return "recordFlow", {"query": RECORD_FLOW, "variables": {"input": flow}}
        kind = chooser.choice(sorted(READS))
        variables = (
            {"unit": chooser.choice(plan.path_units)}
            if kind == "reverseTransferPaths"
            else {"firm": chooser.choice(plan.firms)}
        )
        return kind, {"query": READS[kind], "variables": variables}

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while (request := next_request()) is not None:
                kind, payload = request
                sent = time.perf_counter()
                try:
                    response = await http.post("/graphql", json=payload)
                except httpx.HTTPError as err:
                    result.requests += 1
                    result.error("transport", f"{kind}: {type(err).__name__}: {err}")
                    continue
                elapsed = (time.perf_counter() - sent) * 1000
                result.done_at.append(time.monotonic() - started)
                result.requests += 1
                result.latencies_ms.setdefault(kind, []).append(elapsed)
                if kind == "recordFlow":
                    result.writes += 1
                else:
                    result.reads += 1
                if response.status_code >= 500:
                    result.error("5xx", f"{kind} {response.status_code}: {response.text}")
                    continue
                try:
                    body = response.json()
                except ValueError:
                    result.error("not-json", f"{kind} {response.status_code}: {response.text}")
                    continue
                if response.status_code != 200 or body.get("errors"):
                    result.error("graphql", f"{kind} {response.status_code}: {response.text}")
                    continue
                if kind == "recordFlow":
                    answer = body["data"]["recordFlow"]
                    if answer["__typename"] != "FlowRecorded":
                        result.error("rejected", f"{payload['variables']}: {answer}")
                        continue
                    result.acknowledged.append(answer["flow"]["id"])

    await asyncio.gather(*(client() for _ in range(clients)))
    result.seconds = time.monotonic() - started
    return result


def find_written(base: str, prefix: str) -> set[str]:
    """The ids of the flows in the graph that start with `prefix` (read-only Cypher)."""
    answer = httpx.post(
        f"{base}/cypher",
        json={"query": LIST_WRITTEN_FLOWS.text, "parameters": {"prefix": prefix}},
        timeout=60,
    )
    answer.raise_for_status()
    return set(answer.json()["rows"][0]["ids"])
