"""Every statement in cypher/ runs on the embedded engine, passes Neo4j 5's own parser and
semantic analysis, and is named by the service alone. Each check collects all problems, then
asserts; the checks of the statements' text are test_cypher_catalogue's."""

import json
import subprocess
import sys
from typing import Any

import pytest

from service.cypher import CATALOGUE, Query
from service.store.embedded import EmbeddedStore
from service.store.port import QueryFailed
from tests.helpers import REPO
from tests.test_cypher_catalogue import EVERY_STATEMENT, named_statements

pytestmark = pytest.mark.integration

SAMPLES: dict[str, Any] = {
    "STRING": "sample",
    "INTEGER": 1,
    "FLOAT": 0.5,
    "BOOLEAN": True,
    "DATE": "2001-01-01",
    "LIST<STRING>": ["sample"],
    "LIST<MAP>": [],
    "LIST<INTEGER>": [1],
    "MAP": {},
}


def sample_params(query: Query) -> dict[str, Any]:
    return {p.name: SAMPLES[p.type] for p in query.params}


def runs_on_embedded(query: Query) -> bool:
    return not query.name.startswith("schema/neo4j/")


def test_every_statement_is_used_by_the_service() -> None:
    # In a process of its own that imports the service alone: a statement only tests name
    # belongs under tests/cypher/, not in the production catalogue.
    script = (
        "import importlib, pkgutil, service\n"
        "for m in pkgutil.walk_packages(service.__path__, 'service.'):\n"
        "    importlib.import_module(m.name)\n"
        "from service.cypher import LOADED\n"
        "print('\\n'.join(sorted(LOADED)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    used = set(done.stdout.split()) | named_statements(tests=False).keys()
    assert sorted(set(CATALOGUE) - used) == [], "statements the service never names (orphans)"


async def test_every_statement_runs_on_the_embedded_engine(engine: Any) -> None:
    problems = []
    for number, (name, query) in enumerate(sorted(EVERY_STATEMENT.items())):
        if not runs_on_embedded(query):
            continue
        graph = EmbeddedStore(
            engine,
            graph_name=f"catalogue{number}",
            pool_size=1,
            query_timeout_ms=10_000,
            owns_engine=False,
        )
        try:
            run = graph.read if query.mode == "read" else graph.write
            await run(query, sample_params(query))
        except QueryFailed as err:
            problems.append(f"{name}: {err.engine_message}")
        finally:
            await graph.drop_graph()
            await graph.close()
    assert problems == []


def test_every_statement_passes_neo4j_semantic_analysis() -> None:
    node_modules = REPO / "lint" / "node_modules"
    if not node_modules.is_dir():
        pytest.fail("lint/node_modules is missing: run `cd lint && npm ci` (scripts/test.sh does)")
    cases = [
        {"id": name, "query": q.text, "parameters": sample_params(q)}
        for name, q in sorted(EVERY_STATEMENT.items())
    ]
    done = subprocess.run(
        ["node", "lint.mjs"],
        cwd=REPO / "lint",
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        # Two versions per statement (CYPHER 5 and 25): about 1.5 CPU minutes, far more on a
        # loaded machine.
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert {r["id"] for r in results} == set(EVERY_STATEMENT)
    problems = [
        f"{r['id']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}"
        for r in results
        for d in r["diagnostics"]
    ]
    assert problems == []
