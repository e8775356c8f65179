"""p50/p95 latency and store round trips of the main GraphQL queries on the seeded demos.

Run: .venv/bin/python bench/demo_latency.py [--runs 200]
It seeds a fresh data directory with every case demo, starts `kflow serve` on a free port,
sends each query --runs times over HTTP on loopback (one at a time), prints a Markdown
table and writes bench/demo_latency.json. Finishes in well under a minute.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.helpers import SEED_DIR, kflow, serve

QUERIES = {
    "reverseTransferPaths (Huawei UK, first 20, maxHops 4)": (
        '{ reverseTransferPaths(from: "huawei-uk", maxHops: 4, first: 20) { edges { node {'
        " length hops { role unit { id name } flow { id date direction } } } } } }"
    ),
    "reverseTransferPaths (one knowledge item)": (
        '{ reverseTransferPaths(from: "huawei-uk", knowledge: "huawei-uk-customer-feedback")'
        " { edges { node { hops { unit { id } } } } } }"
    ),
    "integrationMatrix (Huawei)": (
        '{ integrationMatrix(firm: "huawei") { tier step count events { id date description'
        " sponsors { id } coordinator { id } knowledge { name } resources { name } } } }"
    ),
    "circulation (Huawei UK customer feedback)": (
        '{ circulation(knowledge: "huawei-uk-customer-feedback") { timeline { stage date'
        " flow { from { id } to { id } } } } }"
    ),
    "hubMetrics (Huawei)": (
        '{ hubMetrics(firm: "huawei") { units(first: 100) { edges { node {'
        " unit { id } brokerage subsidiaryRole } } } } }"
    ),
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="kflow-bench-") as scratch:
        data = Path(scratch) / "data"
        seeded = kflow("seed", "--seed-dir", str(SEED_DIR), data=data)
        assert seeded.returncode == 0, seeded.stderr
        results = {}
        with serve(data) as served, httpx.Client(base_url=served.base, timeout=30) as client:
            for name, query in QUERIES.items():
                for _ in range(10):  # warm up
                    client.post("/graphql", json={"query": query})
                timings, trips = [], set()
                for _ in range(runs):
                    started = time.perf_counter()
                    answer = client.post("/graphql", json={"query": query})
                    timings.append((time.perf_counter() - started) * 1000)
                    body = answer.json()
                    assert "errors" not in body, body
                    trips.add(body["extensions"]["storeRoundTrips"])
                results[name] = {
                    "p50_ms": round(statistics.median(timings), 2),
                    "p95_ms": round(percentile(timings, 0.95), 2),
                    "store_round_trips": sorted(trips),
                }
    lines = ["| query | p50 ms | p95 ms | store round trips |", "| --- | --- | --- | --- |"]
    for name, r in results.items():
        trips = ", ".join(map(str, r["store_round_trips"]))
        lines.append(f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {trips} |")
    print("\n".join(lines))
    output = Path(__file__).with_name("demo_latency.json")
    output.write_text(json.dumps({"runs": runs, "results": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
