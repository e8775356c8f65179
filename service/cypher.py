"""The one place that reads `cypher/`: every statement is a named, documented file.

A file's header is its docstring and its signature:

    // List the units of a firm.                      <- title (first line)
    // params: firmId: STRING, limit: INTEGER = 100   <- names, types, defaults ("(none)")
    // returns: unit: UnitView                        <- the columns; a map column names
                                                         the model that reads it
    MATCH ...

The verb that starts the file name says whether it reads or writes (`get_`, `list_`,
`find_`, `count_` read; `merge_`, `create_`, `set_`, `link_`, `delete_` write). Code
names a statement through its folder, `NETWORK = cypher.Folder("network")` once per module
and then `NETWORK.list_firms` where it runs, so each statement's name is written once;
`tests/test_cypher_files.py` reads those names from the source, so a misspelt or unused
file fails there.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from service.settings import PROJECT_ROOT

CYPHER_DIR = PROJECT_ROOT / "cypher"
READ_VERBS = ("get", "list", "find", "count")
WRITE_VERBS = ("merge", "create", "set", "link", "delete")
PARAM_TYPES = ("STRING", "INTEGER", "FLOAT", "BOOLEAN", "LIST", "MAP", "DATE")
_PARAM_SPEC = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?P<type>[A-Z]+(?:<[A-Z]+>)?)"
    r"(?:\s*=\s*(?P<default>.+))?$"
)
_RETURN_SPEC = re.compile(r"^(?P<column>\(none\)|[A-Za-z_]\w*)(?:\s*:\s*(?P<model>[A-Z]\w*))?$")
_PARAM_USE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# What may hold a `$` that is not a parameter: string literals and comments, matched from
# left to right, so a quote in a comment and a `//` in a string are each taken as text.
_NOT_CODE = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|//[^\n]*|/\*.*?\*/", re.DOTALL)

Mode = Literal["read", "write"]


class CypherCatalogueError(Exception):
    """A statement file that is missing or whose header does not match its body."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None


@dataclass(frozen=True)
class Query:
    """One Cypher statement from `cypher/`, with the signature its header declares."""

    name: str
    text: str
    title: str
    description: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    mode: Mode
    path: Path = field(compare=False)
    # The pydantic model (by class name) that reads each map column that has one; the
    # catalogue test checks that the statement returns every field the model needs.
    readers: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def param_names(self) -> frozenset[str]:
        """The parameter names the statement takes."""
        return frozenset(p.name for p in self.params)


def _parse_params(spec: str, where: str) -> tuple[Param, ...]:
    if spec.strip() in ("", "(none)"):
        return ()
    params = []
    # Split before each "name:", so a default may hold commas (`= ["huawei", "zte"]`).
    for item in (part.strip() for part in re.split(r",\s*(?=[A-Za-z_]\w*\s*:)", spec)):
        match = _PARAM_SPEC.match(item)
        if match is None or match["type"].split("<")[0] not in PARAM_TYPES:
            raise CypherCatalogueError(
                f"{where}: bad parameter declaration '{item}' (want 'name: TYPE [= default]' "
                f"with TYPE one of {', '.join(PARAM_TYPES)})"
            )
        params.append(Param(match["name"], match["type"], match["default"]))
    return tuple(params)


def mode_of(name: str) -> Mode | None:
    """Read or write, from the verb that starts a statement's file name."""
    verb = name.rsplit("/", 1)[-1].split("_", 1)[0]
    if verb in READ_VERBS:
        return "read"
    if verb in WRITE_VERBS:
        return "write"
    return None


def body_parameters(text: str) -> set[str]:
    """The `$parameters` a statement body uses (outside string literals and comments)."""
    return set(_PARAM_USE.findall(_NOT_CODE.sub(" ", text)))


def parse_query(name: str, source: str, path: Path) -> Query:
    """Parse a statement file into a Query, checking its header against its body."""
    where = str(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)
    lines = source.strip().splitlines()
    header: list[str] = []
    while lines and lines[0].startswith("//"):
        header.append(lines.pop(0)[2:].strip())
    text = "\n".join(lines).strip()
    if not header or not text:
        raise CypherCatalogueError(f"{where}: needs a '//' header and a statement")
    mode = mode_of(name)
    if mode is None:
        raise CypherCatalogueError(
            f"{where}: the file name must start with a verb: one of "
            f"{', '.join(READ_VERBS + WRITE_VERBS)}"
        )
    tags = {
        line.split(":", 1)[0]: line.split(":", 1)[1].strip()
        for line in header
        if line.split(":", 1)[0] in ("params", "returns")
    }
    missing_tags = {"params", "returns"} - tags.keys()
    if missing_tags:
        raise CypherCatalogueError(f"{where}: header lacks {sorted(missing_tags)}")
    params = _parse_params(tags["params"], where)
    declared = {p.name for p in params}
    used = body_parameters(text)
    if declared != used:
        raise CypherCatalogueError(
            f"{where}: header declares {sorted(declared)} but the statement uses {sorted(used)}"
        )
    prose = [line for line in header if line.split(":", 1)[0] not in ("params", "returns")]
    columns = [c.strip() for c in tags["returns"].split(",") if c.strip()]
    readers = {}
    for column in columns:
        match = _RETURN_SPEC.match(column)
        if match is None:
            raise CypherCatalogueError(
                f"{where}: bad column '{column}' (want 'name' or 'name: Model')"
            )
        if match["model"]:
            readers[match["column"]] = match["model"]
    returns = tuple(column.split(":")[0].strip() for column in columns)
    return Query(
        name=name,
        text=text,
        title=prose[0] if prose else name,
        description=" ".join(prose[1:]),
        params=params,
        returns=returns,
        mode=mode,
        readers=readers,
        path=path,
    )


def read_catalogue(root: Path) -> dict[str, Query]:
    """Every statement under `root`, by name (its path without `.cypher`)."""
    if not root.is_dir():
        raise CypherCatalogueError(f"the Cypher directory {root} does not exist")
    catalogue = {}
    for path in sorted(root.rglob("*.cypher")):
        name = path.relative_to(root).with_suffix("").as_posix()
        catalogue[name] = parse_query(name, path.read_text(encoding="utf-8"), path)
    return catalogue


CATALOGUE: dict[str, Query] = read_catalogue(CYPHER_DIR)
LOADED: set[str] = set()


def load(name: str) -> Query:
    """The statement `cypher/<name>.cypher`; fails at once when there is no such file."""
    try:
        query = CATALOGUE[name]
    except KeyError:
        raise CypherCatalogueError(f"no Cypher statement named '{name}' in {CYPHER_DIR}") from None
    LOADED.add(name)
    return query


class Folder:
    """The statements of one `cypher/` folder, each an attribute named after its file."""

    def __init__(self, name: str) -> None:
        if not any(key.startswith(f"{name}/") for key in CATALOGUE):
            raise CypherCatalogueError(f"no Cypher folder named '{name}' in {CYPHER_DIR}")
        self.name = name

    def __getattr__(self, statement: str) -> Query:
        if statement.startswith("__"):
            raise AttributeError(statement)
        return load(f"{self.name}/{statement}")


def load_schema(backend: Literal["embedded", "neo4j"]) -> tuple[Query, ...]:
    """The index and constraint statements of one backend (`cypher/schema/<backend>/`)."""
    prefix = f"schema/{backend}/"
    statements = tuple(load(name) for name in sorted(CATALOGUE) if name.startswith(prefix))
    if not statements:
        raise CypherCatalogueError(f"no schema statements for the {backend} backend")
    return statements
