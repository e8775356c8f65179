"""Every statement in cypher/ is documented, used, runs on the embedded engine and passes
Neo4j 5's own parser and semantic analysis. Each check collects all problems, then asserts."""

import json
import re
import subprocess
import sys
from typing import Any

import pytest

from service.cypher import CATALOGUE, Query
from service.store.embedded import EmbeddedStore
from service.store.port import QueryFailed
from tests.helpers import REPO

WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b", re.I)
STRING_OR_COMMENT = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|//[^\n]*")
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


def test_read_statements_never_write() -> None:
    offenders = [
        name
        for name, q in CATALOGUE.items()
        if q.mode == "read" and WRITE_CLAUSE.search(STRING_OR_COMMENT.sub("", q.text))
    ]
    assert offenders == []


def test_every_statement_declares_the_columns_it_returns() -> None:
    problems = []
    for name, query in CATALOGUE.items():
        if query.returns == ("(none)",):
            continue
        final = query.text[query.text.rfind("RETURN") :]
        problems += [
            f"{name}: returns '{column}' but its RETURN has no such column"
            for column in query.returns
            if not re.search(rf"(\bAS\s+{column}\b|RETURN\s+{column}\b|,\s*{column}\b)", final)
        ]
    assert problems == []


def test_every_statement_is_used_by_some_code() -> None:
    script = (
        "import importlib, pkgutil, pathlib, service, tests\n"
        "for m in pkgutil.walk_packages(service.__path__, 'service.'):\n"
        "    importlib.import_module(m.name)\n"
        "for p in sorted(pathlib.Path('tests').glob('test_*.py')):\n"
        "    importlib.import_module('tests.' + p.stem)\n"
        "from service.cypher import CATALOGUE, LOADED\n"
        "print('\\n'.join(sorted(set(CATALOGUE) - LOADED)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [], "statements no code loads (orphans)"


async def test_every_statement_runs_on_the_embedded_engine(engine: Any) -> None:
    problems = []
    for number, (name, query) in enumerate(sorted(CATALOGUE.items())):
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
        for name, q in sorted(CATALOGUE.items())
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
    assert {r["id"] for r in results} == set(CATALOGUE)
    problems = [
        f"{r['id']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}"
        for r in results
        for d in r["diagnostics"]
    ]
    assert problems == []
