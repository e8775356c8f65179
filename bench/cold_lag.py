"""Cold and warm `transferLag` on a loaded firm, through a real `kflow serve`.

    .venv/bin/python bench/cold_lag.py --data DIR [--firm synth] [--rounds 5]
        [--kflow-dir DIR] [--label NAME]

A kept answer is only as good as the last write: any write to the firm makes the next
`transferLag` cold. Each round records one flow through the API (a subsidiary's upward flow
to the firm's centre carrying no knowledge item, so the lag itself does not change), then
times `transferLag` twice: the first request is cold, the second warm. It prints each round
and the medians, with the load average before and after; the data directory is typically
one `kflow generate --size large` wrote. `--kflow-dir` serves another checkout of kflow
(say, an older commit's) with this environment's packages, to compare the two on the same
graph. It is not a test; nothing asserts a figure.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
LAG = """query($firm: ID!) { transferLag(firm: $firm) { learningEvents
  toHq { count medianMonths p90Months undated never }
  toIntegration { count medianMonths p90Months undated never } } }"""
RECORD_FLOW = """mutation($input: FlowInput!) { recordFlow(input: $input) { __typename } }"""


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def timed_lag(client: httpx.Client, firm: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": LAG, "variables": {"firm": firm}})
    elapsed = (time.perf_counter() - started) * 1000
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise SystemExit(f"transferLag failed: {response.status_code} {body}")
    return elapsed, body["data"]["transferLag"]


def record_flow(client: httpx.Client, firm: str, number: int) -> None:
    flow = {
        "id": f"{firm}-bench-cold-{time.time_ns()}-{number}",
        "from": f"{firm}-sub-{number + 1:05d}",
        "to": f"{firm}-ccd",
        "direction": "UPWARD",
        "mode": "PLANNED",
        "date": "2023",
        "cite": {"paper": "FU2018", "where": "benchmark"},
        "assumption": "a benchmark's write",
    }
    response = client.post("/graphql", json={"query": RECORD_FLOW, "variables": {"input": flow}})
    kind = response.json().get("data", {}).get("recordFlow", {}).get("__typename")
    if kind != "FlowRecorded":
        raise SystemExit(f"recordFlow failed: {response.text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the embedded data directory")
    parser.add_argument("--firm", default="synth")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--port", type=int, default=58213)
    parser.add_argument("--kflow-dir", type=Path, default=REPO, help="the kflow checkout to serve")
    parser.add_argument("--label", default="this tree")
    args = parser.parse_args()

    env = os.environ | {
        "KFLOW_GRAPH_URL": f"embedded://{args.data.resolve()}",
        "KFLOW_ANONYMOUS_ROLE": "editor",
        "KFLOW_ENGINE_START_TIMEOUT_S": "900",
    }
    log = (args.data / f"cold-lag-serve-{args.port}.log").open("w")
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(args.port)]
    started = time.perf_counter()
    server = subprocess.Popen(command, cwd=args.kflow_dir, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{args.port}"
    try:
        with httpx.Client(base_url=base, timeout=600) as client:
            while True:
                if server.poll() is not None:
                    raise SystemExit(f"kflow serve stopped; see {log.name}")
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(1)
            print(f"{args.label}: served in {time.perf_counter() - started:.1f} s")
            before = load_average()
            colds, warms = [], []
            answer: dict[str, Any] = {}
            for number in range(args.rounds):
                record_flow(client, args.firm, number)
                cold, answer = timed_lag(client, args.firm)
                warm, again = timed_lag(client, args.firm)
                assert again == answer, "the warm answer is the cold one"
                colds.append(cold)
                warms.append(warm)
                print(
                    f"  round {number + 1}: cold {cold:,.0f} ms, warm {warm:,.0f} ms "
                    f"(load {load_average()})"
                )
            print(
                f"{args.label}: cold median {statistics.median(colds):,.0f} ms "
                f"(min {min(colds):,.0f}, max {max(colds):,.0f}), warm median "
                f"{statistics.median(warms):,.0f} ms over {args.rounds} rounds; load average "
                f"{before} before, {load_average()} after; {answer['learningEvents']:,} "
                f"learning events, to HQ {answer['toHq']}, to integration "
                f"{answer['toIntegration']}"
            )
    finally:
        server.terminate()
        server.wait(timeout=120)


if __name__ == "__main__":
    main()
