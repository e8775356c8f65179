"""Time `circulation` (one knowledge item) and `integrationMatrix` (one firm) on a small and a
large firm, in turns in one run, and print each one's HTTP p50 at both sizes and their ratio.

    .venv/bin/python bench/scaling.py --graph NAME,SIZE,FIRM,URL[,CHECKOUT] ... \
        [--rounds 5] [--requests 10]

Each `--graph` is a graph `kflow generate --size SIZE --firm FIRM` loaded (URL is its
KFLOW_GRAPH_URL; a Neo4j one takes KFLOW_NEO4J_PASSWORD from the environment), served by a
`kflow serve` of its own, from CHECKOUT when given (another build's source tree, to compare
builds on copies of the same data). NAME is BUILD-SIZE: the ratio is printed for each BUILD
that has a small and a large graph. The rounds go through every graph and query in turn, so a
change in the machine's load falls on all of them; the load average is printed each round.
Answers of graphs of the same size and firm must agree (a difference is printed). It is not a
test; nothing asserts a target.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.run import CIRCULATION, Server, stop_server  # noqa: E402
from service.services.synthetic import SIZES, generate_case_document  # noqa: E402
from tests.helpers import free_port, wait_until_up  # noqa: E402

MATRIX = """query Matrix($firm: ID!) { integrationMatrix(firm: $firm) {
  tier step count events { id date } } }"""


@dataclass
class Graph:
    name: str
    size: str
    firm: str
    url: str
    checkout: Path
    server: Server | None = None

    @property
    def build(self) -> str:
        return self.name.rsplit("-", 1)[0]


def parse_graph(text: str) -> Graph:
    name, size, firm, url, *checkout = text.split(",")
    if size not in SIZES:
        raise argparse.ArgumentTypeError(f"size '{size}': one of {', '.join(sorted(SIZES))}")
    return Graph(name, size, firm, url, Path(checkout[0]).resolve() if checkout else REPO)


def start(graph: Graph, log_dir: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "KFLOW_GRAPH_URL": graph.url,
        "KFLOW_ENGINE_START_TIMEOUT_S": "900",
        "KFLOW_QUERY_TIMEOUT_MS": "120000",
        "PYTHONPATH": str(graph.checkout),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port)],
        cwd=graph.checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(log_dir / f"{graph.name}.log").open("wb"),
    )
    graph.server = Server(process, f"http://127.0.0.1:{port}", port)
    if not wait_until_up(graph.server.base, process, path="/readyz", seconds=900):
        raise SystemExit(f"kflow serve for {graph.name} did not come up; see {log_dir}")


def typical_items(size: str, firm: str, count: int = 20) -> list[str]:
    """Knowledge items of 8 to 14 flows, as bench/run.py picks them."""
    document = generate_case_document(firm_id=firm, size=SIZES[size])
    flows = Counter(f["knowledge"] for f in document["flows"])
    typical = sorted(k for k, n in flows.items() if 8 <= n <= 14) or sorted(flows)
    return random.Random(7).sample(typical, min(count, len(typical)))


def ask(client: httpx.Client, graph: Graph, document: str, variables: dict[str, Any]) -> Any:
    assert graph.server is not None
    body = {"query": document, "variables": variables}
    started = time.perf_counter()
    response = client.post(f"{graph.server.base}/graphql", json=body, timeout=300)
    elapsed = (time.perf_counter() - started) * 1000
    answer = response.json()
    if response.status_code != 200 or answer.get("errors"):
        raise SystemExit(f"{graph.name}: {response.status_code} {answer.get('errors')}")
    return elapsed, answer["data"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=parse_graph, action="append", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=10, help="per query, graph and round")
    args = parser.parse_args()
    graphs: list[Graph] = args.graph
    items = {
        (size, firm): typical_items(size, firm) for size, firm in {(g.size, g.firm) for g in graphs}
    }
    questions = {
        "circulation": lambda g: (CIRCULATION, [{"knowledge": k} for k in items[g.size, g.firm]]),
        "integrationMatrix": lambda g: (MATRIX, [{"firm": g.firm}]),
    }
    timings: dict[tuple[str, str], list[float]] = defaultdict(list)
    answers: dict[tuple[str, str, str, str], tuple[str, Any]] = {}
    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="kflow-scaling-") as logs:
        try:
            for graph in graphs:
                start(graph, Path(logs))
            with httpx.Client() as client:
                for graph in graphs:  # warm every layer, and check the answers agree
                    for question, make in questions.items():
                        document, variables = make(graph)
                        for v in variables:
                            _, data = ask(client, graph, document, v)
                            key = (graph.size, graph.firm, question, str(v))
                            first = answers.setdefault(key, (graph.name, data))
                            if first[1] != data:
                                print(f"  {question} {v}: {graph.name} and {first[0]} disagree")
                for round_ in range(args.rounds):
                    for graph in graphs:
                        for question, make in questions.items():
                            document, variables = make(graph)
                            for n in range(args.requests):
                                elapsed, _ = ask(
                                    client, graph, document, variables[n % len(variables)]
                                )
                                timings[graph.name, question].append(elapsed)
                    print(f"round {round_ + 1}: load average {os.getloadavg()}", flush=True)
        finally:
            for graph in graphs:
                if graph.server:
                    stop_server(graph.server)
    p50 = {key: statistics.median(values) for key, values in timings.items()}
    print("\n| graph | question | HTTP p50 ms | requests |\n| --- | --- | ---: | ---: |")
    for (name, question), value in sorted(p50.items()):
        print(f"| {name} | {question} | {value:,.1f} | {len(timings[name, question])} |")
    print("\n| build | question | small p50 ms | large p50 ms | large / small |")
    print("| --- | --- | ---: | ---: | ---: |")
    for build in sorted({g.build for g in graphs}):
        sizes = {g.size: g.name for g in graphs if g.build == build}
        if not {"small", "large"} <= sizes.keys():
            continue
        for question in questions:
            small, large = p50[sizes["small"], question], p50[sizes["large"], question]
            print(f"| {build} | {question} | {small:,.1f} | {large:,.1f} | {large / small:.2f}x |")
    print(f"\nload average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
