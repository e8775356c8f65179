"""Every statement in cypher/ is documented, used, runs on the embedded engine and passes
Neo4j 5's own parser and semantic analysis. Each check collects all problems, then asserts."""

import ast
import importlib
import json
import pkgutil
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from service import services
from service.cypher import CATALOGUE, Query, read_catalogue
from service.model import views
from service.store.embedded import EmbeddedStore
from service.store.port import QueryFailed
from tests.helpers import REPO, TEST_CATALOGUE

pytestmark = pytest.mark.integration

# The production catalogue and the statements only tests or the benchmark run: all are
# linted and run alike.
BENCH_CATALOGUE = read_catalogue(REPO / "bench" / "cypher")
EVERY_STATEMENT: dict[str, Query] = {
    **CATALOGUE,
    **{f"tests/{name}": query for name, query in TEST_CATALOGUE.items()},
    **{f"bench/{name}": query for name, query in BENCH_CATALOGUE.items()},
}

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
        for name, q in EVERY_STATEMENT.items()
        if q.mode == "read" and WRITE_CLAUSE.search(STRING_OR_COMMENT.sub("", q.text))
    ]
    assert offenders == []


def test_every_statement_declares_the_columns_it_returns() -> None:
    problems = []
    for name, query in EVERY_STATEMENT.items():
        if query.returns == ("(none)",):
            continue
        final = query.text[query.text.rfind("RETURN") :]
        problems += [
            f"{name}: returns '{column}' but its RETURN has no such column"
            for column in query.returns
            if not re.search(rf"(\bAS\s+{column}\b|RETURN\s+{column}\b|,\s*{column}\b)", final)
        ]
    assert problems == []


# A property filter in a node pattern, `(u:Unit {id: $unit})`, is no map the statement returns.
PATTERN_PROPERTIES = re.compile(r"\(\w*(?::\w+)+\s*\{[^}]*\}\)")
RETURNED_KEY = re.compile(r"[{,]\s*(?:\.(\w+)|(\w+)\s*:)")


def returned_keys(query: Query) -> set[str]:
    """The keys of the maps a statement builds (projections `n {.id}` and literals `{id: x}`)."""
    code = PATTERN_PROPERTIES.sub("", STRING_OR_COMMENT.sub("", query.text))
    return {shorthand or key for shorthand, key in RETURNED_KEY.findall(code)}


def readers() -> dict[str, type[BaseModel]]:
    """The pydantic models that read rows, by class name: the views and services' results."""
    modules = [
        views,
        *(
            importlib.import_module(f"service.services.{m.name}")
            for m in pkgutil.iter_modules(services.__path__)
        ),
    ]
    found: dict[str, type[BaseModel]] = {}
    for module in modules:
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                assert name not in found, f"two models named {name}"
                found[name] = value
    return found


def needed_keys(model: type[BaseModel]) -> set[str]:
    """Every key a model reads from a row, its nested models' included."""
    keys = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        nested = [field.annotation, *typing.get_args(field.annotation)]
        for inner in nested + [a for n in nested for a in typing.get_args(n)]:
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                keys |= needed_keys(inner)
    return keys


def test_every_statement_returns_what_its_reader_needs() -> None:
    models = readers()
    problems = []
    for name, query in sorted(CATALOGUE.items()):
        keys = returned_keys(query)
        for column, reader in query.readers.items():
            if reader not in models:
                problems.append(f"{name}: column '{column}' names no model '{reader}'")
                continue
            problems += [
                f"{name}: {reader} reads '{key}' but the statement never returns it"
                for key in sorted(needed_keys(models[reader]) - keys)
            ]
    assert problems == []


def folder_statements(path: Path) -> dict[str, int]:
    """The statements a module names through `cypher.Folder`, with the line of each."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    folders = {
        target.id: node.value.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == "Folder"
        and isinstance(node.value.args[0], ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return {
        f"{folders[node.value.id]}/{node.attr}": node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in folders
        and node.attr != "name"
    }


def named_statements(*, tests: bool = True) -> dict[str, str]:
    """Every statement named through a folder in service/ (and tests/), with where."""
    named = {}
    paths = [*(REPO / "service").rglob("*.py"), *((REPO / "tests").glob("*.py") if tests else [])]
    for path in sorted(paths):
        for name, line in folder_statements(path).items():
            named.setdefault(name, f"{path.relative_to(REPO)}:{line}")
    return named


def test_every_statement_a_folder_names_exists() -> None:
    misspelt = [
        f"{where}: no statement cypher/{name}.cypher"
        for name, where in named_statements().items()
        if name not in CATALOGUE
    ]
    assert misspelt == []


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


def test_every_test_statement_is_used_by_a_test() -> None:
    sources = "".join(path.read_text() for path in (REPO / "tests").glob("*.py"))
    unused = [name for name in TEST_CATALOGUE if f'"{name}"' not in sources]
    assert unused == [], "statements under tests/cypher/ no test loads"


def test_every_bench_statement_is_used_by_the_benchmark() -> None:
    sources = "".join(path.read_text() for path in (REPO / "bench").glob("*.py"))
    unused = [name for name in BENCH_CATALOGUE if f'"{name}"' not in sources]
    assert unused == [], "statements under bench/cypher/ the benchmark never runs"


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
