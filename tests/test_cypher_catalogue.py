"""The statements in cypher/ (and the tests' and the benchmark's) read as their headers say:
reads never write, each returns the columns it declares and what its reader needs, and every
statement is named by the code that runs it. Text checks; running the statements is
test_cypher_files' (the embedded engine and Neo4j's parser)."""

import ast
import importlib
import pkgutil
import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from service import services
from service.cypher import CATALOGUE, Query, body_parameters, read_catalogue
from service.model import views
from tests.helpers import REPO, TEST_CATALOGUE

pytestmark = pytest.mark.unit

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


def test_every_test_statement_is_used_by_a_test() -> None:
    sources = "".join(path.read_text() for path in (REPO / "tests").glob("*.py"))
    unused = [name for name in TEST_CATALOGUE if f'"{name}"' not in sources]
    assert unused == [], "statements under tests/cypher/ no test loads"


def test_every_bench_statement_is_used_by_the_benchmark() -> None:
    sources = "".join(path.read_text() for path in (REPO / "bench").glob("*.py"))
    unused = [name for name in BENCH_CATALOGUE if f'"{name}"' not in sources]
    assert unused == [], "statements under bench/cypher/ the benchmark never runs"


# The statements that write flows or integration events' USED links, and how each keeps the
# items' dates: in the statement itself, or from `transfer_dates` in the rows it is given.
KEEPERS = {
    "recording/create_flow": "statement",
    "recording/create_integration_event": "statement",
    "cases/merge_case": "rows",
    "bulk/create_flows": "rows",
    "bulk/link_integration_knowledge": "rows",
}


def test_every_statement_that_writes_flows_or_uses_keeps_the_dates() -> None:
    # That each keeps them, on both engines, is test_transfer_dates'.
    writes = re.compile(r"(CREATE|MERGE)\s*\([^)]*\)\s*-\[\w*:(FLOWS|USED)\]")
    writers = {name for name, query in CATALOGUE.items() if writes.search(query.text)}
    assert writers == set(KEEPERS), (
        "a statement writing FLOWS or USED must keep the items' transfer dates "
        "(KNOWLEDGE_TRANSFER_DATES), in itself or through its rows; then list it in KEEPERS"
    )


@pytest.mark.parametrize(
    ("body", "used"),
    [
        ("// the event's date\nMATCH (n {id: $a}) RETURN n // it's $b's", {"a"}),
        ("RETURN '$quoted' + \"// no comment $c\" + $d", {"d"}),
        ("MATCH (n) /* $e's\n block */ WHERE n.id = $f RETURN n", {"f"}),
    ],
)
def test_a_parameter_is_found_outside_strings_and_comments_whatever_quotes_they_hold(
    body: str, used: set[str]
) -> None:
    assert body_parameters(body) == used
