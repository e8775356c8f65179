"""The arrows point down: cli and api -> bootstrap -> services -> store port -> cypher/, with
model and settings underneath. An import that points up (a store that reaches into the
services, a service that knows the API) ties a lower layer to a higher one, so this test
reads every module's imports, those inside functions too, and fails on such an arrow."""

import ast

import pytest

from tests.helpers import REPO

pytestmark = pytest.mark.unit

# Each layer, from the top, and the layers it may import (its own always).
MAY_IMPORT: dict[str, set[str]] = {
    "cli": {
        "contract",
        "remote",
        "api",
        "bootstrap",
        "failures",
        "services",
        "store",
        "cypher",
        "model",
        "settings",
    },
    # A kflow server elsewhere, asked over its HTTP API for the analyst commands' answers.
    "remote": {"services", "model", "settings"},
    # schema/ rendered from the GraphQL schema and the case model, for `kflow schema export`.
    "contract": {"api", "model", "settings"},
    "api": {"bootstrap", "failures", "services", "store", "cypher", "model", "settings"},
    "bootstrap": {"services", "store", "cypher", "model", "settings"},
    "failures": {"services", "store", "model"},
    "services": {"store", "cypher", "model", "settings"},
    # The port's cases are the case model's: the store maps them to rows and back.
    "store": {"cypher", "model", "settings"},
    "cypher": {"settings"},
    "model": {"settings"},
    "settings": set(),
}


def layer_of(module: str) -> str:
    """The layer a `service.` module belongs to: its first name under `service`."""
    return module.split(".")[1]


def imports_of(path: str) -> set[str]:
    """The `service.` modules a file imports, anywhere in it."""
    tree = ast.parse((REPO / path).read_text(), filename=path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("service.")}


def upward_imports() -> list[str]:
    problems = []
    for path in sorted((REPO / "service").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        module = relative.removesuffix(".py").replace("/", ".")
        if module == "service.__init__":
            continue
        layer = layer_of(module)
        allowed = MAY_IMPORT[layer] | {layer}
        for imported in sorted(imports_of(relative)):
            target = layer_of(imported)
            if target in MAY_IMPORT and target not in allowed:
                problems.append(f"{relative} imports {imported}: {layer} -> {target} points up")
    return problems


def test_every_module_is_in_a_layer() -> None:
    layers = {
        layer_of(path.relative_to(REPO).with_suffix("").as_posix().replace("/", "."))
        for path in (REPO / "service").rglob("*.py")
        if path != REPO / "service" / "__init__.py"
    }
    assert layers - MAY_IMPORT.keys() == set()


def test_no_import_points_up() -> None:
    assert upward_imports() == []
