"""The analyst workbench: read-only ad-hoc Cypher and the library of named questions."""

import json
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from service import cypher
from service.cypher import Param, Query
from service.services.analytics_queries import COMPUTED_QUERIES, ROW_LIMIT, ComputedQuery
from service.services.errors import InvalidArgument, NotFound
from service.services.lookup import check_known_ids
from service.services.shared_queries import SHARED_QUERIES
from service.store.port import (
    AdhocLimits,
    AdhocResult,
    GraphStore,
    OperationRefused,
    StatementPlan,
    WriteRefused,
)

QUERY_AREA = "queries/"
# Parameters that name nodes: a misspelt id is refused with the nearest ids, not answered
# with no rows.
ID_PARAMS = {
    "firm": "firm",
    "firms": "firm",
    "unit": "unit",
    "knowledge": "knowledge",
    "project": "project",
}
MAX_NESTING = 16
MAX_UNIONS = 50
# A clause keyword, not a property (`n.set`) nor a map key (`{set: 1}`).
_WRITE_CLAUSE = re.compile(
    r"(?<![.\w])(CREATE|MERGE|SET|DELETE|DETACH|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b(?!\s{0,20}:)",
    re.I,
)
_ALIAS_BEFORE = re.compile(r"\bAS\s+$", re.I)
_QUOTES = {"'": "'", '"': '"', "`": "`"}


def code_only(text: str) -> str:
    """The text with strings, quoted names and comments blanked, in one linear pass (an
    unterminated one runs to the end: the engine reports the syntax error)."""
    out: list[str] = []
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char in _QUOTES:
            end = i + 1
            while end < size and text[end] != char:
                end += 2 if text[end] == "\\" and char != "`" else 1
            i = end + 1
            out.append(" ")
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = size if newline < 0 else newline
            out.append(" ")
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = size if close < 0 else close + 2
            out.append(" ")
        else:
            out.append(char)
            i += 1
    return "".join(out)


_WRITE_PROCEDURE = re.compile(r"\bCALL\s+db\.(idx\.|create|drop)", re.I)


# The sandbox decides from the engine's own plan of the statement (EXPLAIN), not from its
# text: an operation or procedure not listed here is refused before anything runs. Both lists
# hold reading, matching, joining, sorting and aggregating only: no write, no schema change,
# and nothing that reaches outside the graph (LOAD CSV reads files and URLs, so a query
# could send graph data to any server by building the URL from it).
EMBEDDED_OPERATIONS = frozenset(
    {
        "Results",
        "Project",
        "Aggregate",
        "Filter",
        "Distinct",
        "Sort",
        "Skip",
        "Limit",
        "Unwind",
        "Eager",
        "EmptyRow",
        "Argument",
        "Argument List",
        "Apply",
        "Semi Apply",
        "Anti Semi Apply",
        "OR Apply Multiplexer",
        "AND Apply Multiplexer",
        "Optional",
        "Cartesian Product",
        "Value Hash Join",
        "Join",
        "CallSubquery",
        "All Node Scan",
        "Node By Label Scan",
        "Node By Index Scan",
        "Node By Id Seek",
        "Node By Label and ID Scan",
        "Edge By Index Scan",
        "Conditional Traverse",
        "Optional Conditional Traverse",
        "Expand Into",
        "Conditional Variable Length Traverse",
        "Conditional Variable Length Traverse (Expand Into)",
        "ProcedureCall",
    }
)
NEO4J_OPERATIONS = frozenset(
    {
        "ProduceResults",
        "Projection",
        "Aggregation",
        "EagerAggregation",
        "OrderedAggregation",
        "Filter",
        "Distinct",
        "OrderedDistinct",
        "Sort",
        "PartialSort",
        "Top",
        "PartialTop",
        "Skip",
        "Limit",
        "ExhaustiveLimit",
        "Unwind",
        "Eager",
        "Argument",
        "Apply",
        "SemiApply",
        "AntiSemiApply",
        "LetSemiApply",
        "LetAntiSemiApply",
        "SelectOrSemiApply",
        "SelectOrAntiSemiApply",
        "LetSelectOrSemiApply",
        "LetSelectOrAntiSemiApply",
        "ConditionalApply",
        "AntiConditionalApply",
        "RollUpApply",
        "Optional",
        "CartesianProduct",
        "NodeHashJoin",
        "ValueHashJoin",
        "NodeLeftOuterHashJoin",
        "NodeRightOuterHashJoin",
        "Union",
        "OrderedUnion",
        "CacheProperties",
        "AssertSameNode",
        "AllNodesScan",
        "NodeByLabelScan",
        "UnionNodeByLabelsScan",
        "IntersectionNodeByLabelsScan",
        "NodeByIdSeek",
        "NodeByElementIdSeek",
        "NodeIndexSeek",
        "NodeUniqueIndexSeek",
        "MultiNodeIndexSeek",
        "NodeIndexSeekByRange",
        "NodeUniqueIndexSeekByRange",
        "NodeIndexScan",
        "NodeIndexContainsScan",
        "NodeIndexEndsWithScan",
        "NodeCountFromCountStore",
        "RelationshipCountFromCountStore",
        "DirectedRelationshipTypeScan",
        "UndirectedRelationshipTypeScan",
        "DirectedUnionRelationshipTypesScan",
        "UndirectedUnionRelationshipTypesScan",
        "DirectedAllRelationshipsScan",
        "UndirectedAllRelationshipsScan",
        "DirectedRelationshipIndexSeekByRange",
        "UndirectedRelationshipIndexSeekByRange",
        "DirectedRelationshipIndexContainsScan",
        "UndirectedRelationshipIndexContainsScan",
        "DirectedRelationshipIndexEndsWithScan",
        "UndirectedRelationshipIndexEndsWithScan",
        "DirectedRelationshipByIdSeek",
        "UndirectedRelationshipByIdSeek",
        "DirectedRelationshipIndexSeek",
        "UndirectedRelationshipIndexSeek",
        "DirectedRelationshipIndexScan",
        "UndirectedRelationshipIndexScan",
        "Expand(All)",
        "Expand(Into)",
        "OptionalExpand(All)",
        "OptionalExpand(Into)",
        "VarLengthExpand(All)",
        "VarLengthExpand(Into)",
        "VarLengthExpand(Pruning)",
        "BFSPruningVarExpand",
        "ShortestPath",
        "StatefulShortestPath(All)",
        "StatefulShortestPath(Into)",
        "ProjectEndpoints",
        "TriadicSelection",
        "TriadicBuild",
        "TriadicFilter",
        "NullifyMetadata",
        "ProcedureCall",
    }
)
ALLOWED_OPERATIONS = {"embedded": EMBEDDED_OPERATIONS, "neo4j": NEO4J_OPERATIONS}
# Procedures that only describe the graph's vocabulary, the same on both engines.
ALLOWED_PROCEDURES = frozenset({"db.labels", "db.relationshipTypes", "db.propertyKeys"})
LOAD_CSV_OPERATIONS = frozenset({"Load CSV", "LoadCSV"})
# The embedded engine builds a list or a string in one step, before its time and memory
# limits look, and even to plan a statement (it folds constant expressions): `range(1,
# 300000000)` took 16 s and 4.6 GB of engine memory under a 5 s and 1 GB limit, and a
# `reduce` that doubles a string took 281 s and 12 GB. So, checked on the text before the
# engine sees it, analyst Cypher may not use `reduce`, and `range` only with bounded bounds.
MAX_RANGE_VALUES = 10_000_000
_REDUCE_CALL = re.compile(r"\breduce\s*\(", re.I)
_INTEGER = re.compile(r"^-?\d+$")
# A bound as long as something already built: `length(p) - 1`, `size(nodes(p))`.
_SIZE_BOUND = re.compile(
    r"^(size|length)\s*\(\s*\w+(\s*\(\s*\w+\s*\))?\s*\)(\s*[-+]\s*\d+)?$", re.I
)


def _call_arguments(code: str, start: int) -> list[str]:
    """The top-level arguments of the call whose '(' is at `start`."""
    depth, parts, begin = 0, [], start + 1
    for index in range(start, len(code)):
        char = code[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                parts.append(code[begin:index].strip())
                return parts
        elif char == "," and depth == 1:
            parts.append(code[begin:index].strip())
            begin = index + 1
    return []


PROCEDURE_CALL = "ProcedureCall"
_CALLED_PROCEDURE = re.compile(r"\bCALL\s+([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\(", re.I)


class QueryAnswer(BaseModel):
    """A table of results, and whether a cap (rows, or bytes of the reply) cut it."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    row_cap: int
    byte_cap: int | None = None
    cut_by: str | None = None


def called_procedures(text: str) -> list[str]:
    """The procedures a statement's text calls by a plain (unquoted) name."""
    return [re.sub(r"\s+", "", name) for name in _CALLED_PROCEDURE.findall(code_only(text))]


def check_unbounded_builders(text: str) -> None:
    """Refuse what the embedded engine cannot stop once started: `reduce`, and a `range`
    that is not literal or spans more than MAX_RANGE_VALUES values."""
    code = code_only(text)
    if _REDUCE_CALL.search(code):
        raise OperationRefused(
            "the query uses reduce(), which the embedded engine cannot stop within its time "
            "and memory limits; aggregate with sum() or collect() instead"
        )
    for call in re.finditer(r"\brange\s*\(", code, re.I):
        bounds = _call_arguments(code, call.end() - 1)
        if len(bounds) not in (2, 3) or not all(
            _INTEGER.match(b) or _SIZE_BOUND.match(b) for b in bounds
        ):
            raise OperationRefused(
                "range() takes integer literals or the size of a list already built "
                "(length(p) - 1) as bounds in analyst Cypher: the embedded engine builds the "
                "whole list before its time and memory limits apply"
            )
        if all(_INTEGER.match(b) for b in bounds):
            start, end, step = (int(b) for b in [*bounds, "1"][:3])
            if step == 0 or (end - start) // step + 1 > MAX_RANGE_VALUES:
                raise OperationRefused(
                    f"range({', '.join(bounds)}) spans more than {MAX_RANGE_VALUES} values, "
                    "which the embedded engine would build whole before its time and memory "
                    "limits apply"
                )


def check_plan(plan: StatementPlan, *, text: str) -> None:
    """Refuse a statement whose plan writes, reaches outside the graph, or uses anything
    the sandbox does not list (see docs/security.md, "The analyst sandbox")."""
    allowed = ALLOWED_OPERATIONS[plan.backend]
    for operation in plan.operations:
        if operation in LOAD_CSV_OPERATIONS:
            raise OperationRefused(
                "the query uses LOAD CSV, which reads files and URLs; analyst Cypher runs "
                "read-only on the graph and may not reach outside it"
            )
        if operation not in allowed:
            raise OperationRefused(
                f"the query's plan uses the operation '{operation}', which analyst Cypher "
                "may not use: it runs read-only, on the graph alone (docs/security.md lists "
                "what it may use)"
            )
    calls = plan.operations.count(PROCEDURE_CALL)
    procedures = list(plan.procedures) if plan.procedures is not None else called_procedures(text)
    if calls and len(procedures) != calls:
        raise OperationRefused(
            "the query calls a procedure by a name the sandbox cannot read (write it "
            f"unquoted); analyst Cypher may call only {', '.join(sorted(ALLOWED_PROCEDURES))}"
        )
    for procedure in procedures:
        if procedure not in ALLOWED_PROCEDURES:
            raise OperationRefused(
                f"the query calls the procedure {procedure}, which analyst Cypher may not "
                f"use; it may call only {', '.join(sorted(ALLOWED_PROCEDURES))}"
            )
    if plan.query_type not in (None, "r"):
        raise WriteRefused(
            f"the query would write to the graph or its schema (query type '{plan.query_type}'); "
            "analyst Cypher runs read-only"
        )


def check_adhoc_cypher(text: str, *, max_chars: int) -> None:
    """Refuse Cypher that is too long, too deeply nested, or that writes (before it runs)."""
    if not text.strip():
        raise InvalidArgument("query", "is empty")
    if len(text) > max_chars:
        raise InvalidArgument(
            "query",
            f"is {len(text)} characters; the limit is {max_chars} (KFLOW_ANALYST_MAX_QUERY_CHARS)",
        )
    code = code_only(text)
    depth = deepest = 0
    for char in code:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > MAX_NESTING:
        raise InvalidArgument("query", f"nests brackets {deepest} deep; the limit is {MAX_NESTING}")
    unions = len(re.findall(r"\bUNION\b", code, re.I))
    if unions > MAX_UNIONS:
        raise InvalidArgument("query", f"has {unions} UNIONs; the limit is {MAX_UNIONS}")
    check_unbounded_builders(text)
    if re.search(r"\bApiKey\b", code):
        raise WriteRefused("API keys are not open to analyst Cypher")
    for clause in [*_WRITE_CLAUSE.finditer(code), *_WRITE_PROCEDURE.finditer(code)]:
        if _ALIAS_BEFORE.search(code, max(0, clause.start() - 24), clause.start()):
            continue  # an alias (`RETURN x AS set`), not a clause
        raise WriteRefused(
            f"the query contains {clause.group(0).strip().upper()}, which "
            "writes; analyst Cypher runs read-only"
        )


async def run_cypher(
    store: GraphStore,
    *,
    text: str,
    params: Mapping[str, Any],
    timeout_ms: int,
    row_cap: int,
    max_bytes: int,
    max_chars: int,
) -> QueryAnswer:
    """Run an analyst's read-only Cypher, if its plan passes the sandbox, within the limits."""
    check_adhoc_cypher(text, max_chars=max_chars)
    result: AdhocResult = await store.run_readonly(
        text,
        params,
        limits=AdhocLimits(timeout_ms=timeout_ms, row_cap=row_cap, max_bytes=max_bytes),
        check=lambda plan: check_plan(plan, text=text),
    )
    return QueryAnswer(**vars(result), row_cap=row_cap, byte_cap=max_bytes)


class ParamInfo(BaseModel):
    name: str
    type: str
    default: Any
    required: bool


class NamedQuery(BaseModel):
    name: str
    title: str
    description: str
    params: list[ParamInfo]
    columns: list[str]
    # Answered by a service computation (a dominator tree, matching events), not one statement.
    computed: bool = False


def _default_value(param: Param) -> Any:
    if param.default is None:
        return None
    text = param.default.strip()
    return None if text == "null" else coerce_value(param, text)


Named = Query | ComputedQuery


def _user_params(query: Named) -> tuple[Param, ...]:
    """The parameters an analyst gives (all but the row limit run_named_query binds)."""
    return tuple(p for p in query.params if p.name != ROW_LIMIT)


def _describe(query: Named) -> NamedQuery:
    return NamedQuery(
        name=query.name.removeprefix(QUERY_AREA),
        title=query.title,
        description=query.description,
        params=[
            ParamInfo(
                name=p.name, type=p.type, default=_default_value(p), required=p.default is None
            )
            for p in _user_params(query)
        ],
        columns=list(query.returns),
        computed=isinstance(query, ComputedQuery),
    )


LIBRARY: dict[str, Query] = {
    name.removeprefix(QUERY_AREA): cypher.load(name)
    for name in sorted(cypher.CATALOGUE)
    if name.startswith(QUERY_AREA)
}
COMPUTED: dict[str, ComputedQuery] = {
    query.name: query for query in (*COMPUTED_QUERIES, *SHARED_QUERIES)
}


def list_named_queries() -> list[NamedQuery]:
    """The catalogue of named questions, with their parameters and columns."""
    catalogue: dict[str, Named] = {**LIBRARY, **COMPUTED}
    return [_describe(catalogue[name]) for name in sorted(catalogue)]


def get_named_query(*, name: str) -> NamedQuery:
    """One named question's description."""
    return _describe(_lookup(name))


def _lookup(name: str) -> Named:
    found = LIBRARY.get(name) or COMPUTED.get(name)
    if found is None:
        raise NotFound("named query", name)
    return found


def coerce_value(param: Param, value: Any) -> Any:
    """A parameter value of the declared type; text (from a command line) is converted."""
    kind = param.type
    problem = f"expects {kind}, not {value!r}"
    if value is None:
        return None
    if kind == "STRING" or kind == "DATE":
        if not isinstance(value, str):
            raise InvalidArgument(param.name, problem)
        return value
    if kind == "INTEGER":
        if isinstance(value, bool):
            raise InvalidArgument(param.name, problem)
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            return int(value)
        raise InvalidArgument(param.name, problem)
    if kind == "FLOAT":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            raise InvalidArgument(param.name, problem) from None
    if kind == "BOOLEAN":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise InvalidArgument(param.name, problem)
    if kind == "LIST<STRING>":
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise InvalidArgument(param.name, f"{problem} (not a JSON list)") from None
        elif isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return value
        raise InvalidArgument(param.name, problem)
    raise InvalidArgument(param.name, f"has type {kind}, which named queries do not take")


def bind_params(query: Named, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every declared parameter with a value: given, or its default; unknown ones refused."""
    params = _user_params(query)
    unknown = sorted(set(given) - {p.name for p in params})
    if unknown:
        expected = ", ".join(p.name for p in params) or "none"
        raise InvalidArgument(
            unknown[0], f"is not a parameter of this query (it takes: {expected})"
        )
    bound = {}
    for param in params:
        if param.name in given:
            bound[param.name] = coerce_value(param, given[param.name])
        elif param.default is not None:
            bound[param.name] = _default_value(param)
        else:
            raise InvalidArgument(param.name, f"is required ({param.type})")
    return bound


async def run_named_query(
    store: GraphStore, *, name: str, params: Mapping[str, Any], row_cap: int
) -> QueryAnswer:
    """Run a named question with validated parameters; rows follow its declared columns.

    The statement stops at one row past the cap, so a cut answer costs the engine no more
    than a full page, and `truncated` says whether there was more; a computed question is
    answered whole (from the service's kept trees) and cut at the cap the same way.
    """
    query = _lookup(name)
    bound = bind_params(query, params)
    for param, kind in ID_PARAMS.items():
        value = bound.get(param)
        if value is not None:
            await check_known_ids(
                store, kind=kind, ids=value if isinstance(value, list) else [value]
            )
    if ROW_LIMIT in query.param_names:
        bound[ROW_LIMIT] = row_cap + 1
    if isinstance(query, ComputedQuery):
        rows = await query.compute(store, bound)
    else:
        rows = await store.read(query, bound)
    columns = list(query.returns)
    return QueryAnswer(
        columns=columns,
        rows=[[row.get(column) for column in columns] for row in rows[:row_cap]],
        truncated=len(rows) > row_cap,
        row_cap=row_cap,
    )
