"""Property tests for hostile input below the HTTP layer.

Hypothesis generates the input: text that looks like Cypher, quotes and backslashes, every
plane of unicode, NUL, huge and non-finite numbers, nulls and deep nesting. Each property
runs a bounded number of examples so that the file takes seconds. The examples are
derandomized (the same on every run, so CI never flakes); set KFLOW_FUZZ_RANDOM=1 to
explore new ones, and KFLOW_FUZZ_EXAMPLES=N to run more.
"""

import contextlib
import math
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from service.model import case
from service.model.files import CaseFileInvalid, parse_case_text, validate_case_document
from service.services.analyst import check_adhoc_cypher
from service.services.errors import InvalidArgument
from service.store.embedded import encode_header, params_header
from service.store.port import (
    MAX_PARAM_DEPTH,
    MAX_STRING_LENGTH,
    QueryParameterError,
    WriteRefused,
    check_params,
    encode_params,
    encode_value,
)
from tests.helpers import load_test_statement, tiny_firm

pytestmark = pytest.mark.unit

EXAMPLES = int(os.environ.get("KFLOW_FUZZ_EXAMPLES", "150"))
DERANDOMIZE = os.environ.get("KFLOW_FUZZ_RANDOM", "") != "1"


def bounded(examples: int = EXAMPLES) -> settings:
    """Hypothesis settings for one property: bounded, no deadline, no example database."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=list(HealthCheck),
    )


# -- hostile text ---------------------------------------------------------------------------

CYPHER_LOOKALIKES = [
    '"}) DETACH DELETE n //',
    "'}) DETACH DELETE n //",
    "x'}) MATCH (n) DETACH DELETE n RETURN 1 //",
    '") MATCH (n) SET n.name = "pwned" //',
    "`) DETACH DELETE n //",
    'acme-uk"})-[:FLOWS]->(m) DELETE m //',
    "' OR 1=1 //",
    "MATCH (n) DETACH DELETE n",
    "CREATE (:Firm {id: 'evil'})",
    "MERGE (x:Unit {id: 'acme-uk'}) SET x.name = 'pwned'",
    "CALL db.idx.fulltext.drop('Unit')",
    "CYPHER id='x' MATCH (n) DELETE n",
    "GRAPH.DELETE kflow",
    "*/ DETACH DELETE n /*",
    "$id",
    "{id: 'acme-uk'}",
    "\\",
    "\\'",
    '\\"',
    '"',
    "'",
    "`",
    "\\u0000",
    "%00",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
]
ODD_UNICODE = [
    "\U0001d573\U0001d59a\U0001d586\U0001d59c\U0001d58a\U0001d58e",  # Fraktur "Huawei"
    "\u202eevil",
    "zero\u200bwidth",
    "e\u0301",
    "😀" * 40,
    "中文单位",
    "\ufeff",
    "\u2028\u2029",
    "İı ß ﬃ",
    "\r\n\t",
    " padded ",
]
HOSTILE = CYPHER_LOOKALIKES + ODD_UNICODE


def hostile_text(*, nul: bool = True) -> st.SearchStrategy[str]:
    """Text built to confuse a Cypher header, a parser or an encoder."""
    alphabet = st.characters(exclude_categories=["Cs"], exclude_characters="" if nul else "\x00")
    pieces = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet, max_size=12))
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(alphabet, max_size=40),
        st.lists(pieces, min_size=1, max_size=6).map("".join),
    )


NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**80),
    st.integers(min_value=-(2**80), max_value=-(2**63) + 1),
    st.floats(),  # NaN and infinities included
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    NUMBERS,
    hostile_text(),
    st.dates(),
    st.datetimes(),
    st.binary(max_size=8),
    st.decimals(allow_nan=True),
    st.just(object()),
    st.just(1 + 2j),
)


def nested(leaves: st.SearchStrategy[Any], size: int = 12) -> st.SearchStrategy[Any]:
    """Leaves inside lists, tuples, sets and maps (text and other keys), nested freely."""
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.tuples(inner, inner),
            st.frozensets(st.integers(), max_size=3),
            st.dictionaries(st.one_of(hostile_text(), st.integers()), inner, max_size=4),
        ),
        max_leaves=size,
    )


def deep(depth: int, leaf: Any = 1) -> Any:
    """A value nested `depth` levels deep, alternating lists and maps."""
    value = leaf
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


# -- (i) parameter encoding -----------------------------------------------------------------

PLAIN = (str, int, float, bool, type(None), list, dict)


def assert_plain(value: Any, depth: int = 0) -> None:
    """Only JSON-like values reach an engine: finite floats, 64-bit ints, no NUL, bounded."""
    assert depth <= MAX_PARAM_DEPTH, f"nested {depth} deep"
    assert type(value) in PLAIN, f"{type(value).__name__} reached the engine"
    if isinstance(value, float):
        assert math.isfinite(value)
    if isinstance(value, int) and not isinstance(value, bool):
        assert -(2**63) <= value < 2**63
    if isinstance(value, str):
        assert "\x00" not in value
        assert len(value) <= MAX_STRING_LENGTH
    if isinstance(value, list):
        for item in value:
            assert_plain(item, depth + 1)
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_plain(item, depth + 1)


@bounded()
@given(value=nested(SCALARS))
@example(value=deep(MAX_PARAM_DEPTH))
@example(value=deep(MAX_PARAM_DEPTH + 1))
@example(value=deep(400))
@example(value="x" * (MAX_STRING_LENGTH + 1))
@example(value=[float("nan")])
@example(value={"k": 2**63})
@example(value=b"bytes")
def test_a_parameter_value_is_sent_plain_or_refused_by_name(value: Any) -> None:
    try:
        encoded = encode_value(value, "$p", 0, [200_000])
    except QueryParameterError as err:
        assert str(err).startswith("$p") or "parameters hold more than" in str(err)
        return
    assert_plain(encoded)
    assert encode_value(encoded, "$p", 0, [200_000]) == encoded  # encoding is idempotent


PARAM_QUERY = load_test_statement("contract/get_values")


@bounded(100)
@given(
    params=st.dictionaries(
        st.one_of(st.sampled_from(sorted(PARAM_QUERY.param_names)), hostile_text()),
        nested(SCALARS, size=4),
        max_size=7,
    ),
    mode=st.sampled_from(["read", "write"]),
)
def test_statement_parameters_are_checked_against_the_header(
    params: dict[Any, Any], mode: str
) -> None:
    try:
        sent = check_params(PARAM_QUERY, params, mode=mode)
    except QueryParameterError:
        return
    assert mode == "read"
    assert set(sent) == set(PARAM_QUERY.param_names)
    for value in sent.values():
        assert_plain(value)


# Values the header writer takes in its stride (no NUL, surrogate or odd key), and others.
SENDABLE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text(nul=False)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(hostile_text(nul=False).filter(lambda key: "`" not in key), inner),
    ),
    max_leaves=12,
)


@bounded()
@given(
    params=st.dictionaries(
        st.one_of(st.sampled_from(["p", "rows", "a b"]), hostile_text()),
        st.one_of(
            SENDABLE,
            nested(st.one_of(SCALARS, st.sampled_from(["\ud800", "a\x00b", 'q"\\', "`"]))),
        ),
        max_size=3,
    )
)
@example(params={"rows": [{"k": 'say "hi" \\ bye', "n": None, "i": -5, "b": True}]})
@example(params={"p": deep(MAX_PARAM_DEPTH)})
@example(params={"p": deep(MAX_PARAM_DEPTH + 1)})
@example(params={"p": [["x"]] * 100_000})
@example(params={"p": {"a`b": 1}, "q": "x\x00"})
@example(params={"p": ["ok", "x\x00"]})
@example(params={"p": {"a\x00": 1}})
@example(params={"p": {"k": "\ud800"}})
@example(params={"p": 2**63})
@example(params={"p": [{"k": "x" * (MAX_STRING_LENGTH + 1)}]})
def test_the_embedded_header_is_the_ports_check_then_the_plain_writer(
    params: dict[Any, Any],
) -> None:
    try:
        expected = params_header(encode_params(params))
    except QueryParameterError as err:
        with pytest.raises(type(err)) as raised:
            encode_header(params)
        assert str(raised.value) == str(err)
        return
    assert encode_header(params) == expected


@pytest.mark.parametrize("key", ["a\x00b", "a`b", ""])
def test_a_map_key_the_engine_cannot_take_is_refused_by_name(key: str) -> None:
    with pytest.raises(QueryParameterError):
        encode_params({"m": {key: 1}})


def test_a_parameter_name_that_is_not_text_is_refused_by_name() -> None:
    with pytest.raises(QueryParameterError):
        check_params(PARAM_QUERY, {1: "x"}, mode="read")


# -- (iii) the case model --------------------------------------------------------------------

FIELD_VALUES = st.one_of(
    SCALARS,
    st.sampled_from(["acme-uk", "acme-europe", "upward", "planned", "subsidiary", "fu2018"]),
    nested(SCALARS, size=4),
)


def plausible(model: type[BaseModel], good: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A valid record with some fields dropped, replaced by hostile values, or added."""
    names = [*model.model_fields, "from", "to", "unknown", "firm"]
    return st.builds(
        lambda drop, replace, extra: {
            **{k: v for k, v in good.items() if k not in drop},
            **replace,
            **extra,
        },
        st.sets(st.sampled_from(sorted(good))),
        st.dictionaries(st.sampled_from(names), FIELD_VALUES, max_size=3),
        st.dictionaries(hostile_text(), FIELD_VALUES, max_size=2),
    )


CITE = {"paper": "fu2018", "where": "Figure 1"}
GOOD = {
    case.Flow: {
        "id": "f1",
        "from": "acme-uk",
        "to": "acme-europe",
        "direction": "upward",
        "mode": "planned",
        "date": "2024-03",
        "cite": CITE,
    },
    case.Unit: {
        "id": "acme-fr",
        "name": "Acme France",
        "role": "subsidiary",
        "reports_to": "acme-europe",
        "country": "France",
        "cite": CITE,
    },
    case.IntegrationEvent: {
        "id": "acme-i1",
        "step": "release",
        "tier": "high",
        "coordinator": "acme-hq",
        "description": "sold a plant",
        "resources": ["acme-plant"],
        "date": "2001",
        "until": "2003",
        "cite": CITE,
    },
    case.Support: {"id": "s1", "from": "acme-uk", "to": "acme-de", "cite": CITE},
    case.LearningEvent: {
        "id": "l1",
        "unit": "acme-uk",
        "source": "acme-bt",
        "channel": "customers",
        "knowledge": ["acme-k"],
        "cite": CITE,
    },
}


@bounded(100)
@given(data=st.data(), model=st.sampled_from(sorted(GOOD, key=lambda m: m.__name__)))
def test_a_record_validates_or_raises_a_validation_error(
    data: st.DataObject, model: type[BaseModel]
) -> None:
    document = data.draw(
        st.one_of(plausible(model, GOOD[model]), st.dictionaries(hostile_text(), FIELD_VALUES))
    )
    try:
        record = model.model_validate(document)
    except ValidationError:
        return
    # What validates survives a round trip through its own dump.
    assert model.model_validate(record.model_dump(by_alias=True)) == record


@bounded(60)
@given(
    section=st.sampled_from(["units", "flows", "support", "integrations", "learning"]),
    records=st.lists(st.one_of(*(plausible(m, g) for m, g in GOOD.items())), max_size=3),
    firm=st.one_of(st.just("acme"), hostile_text()),
)
def test_a_case_document_validates_or_lists_its_problems(
    section: str, records: list[Any], firm: str
) -> None:
    document = tiny_firm("acme")
    document["firm"]["id"] = firm
    document[section] = [*document.get(section, []), *records]
    try:
        validate_case_document(document, name="fuzz.yaml")
    except CaseFileInvalid as err:
        assert err.problems


@pytest.mark.parametrize(
    ("text", "name"), [("[" * 1000, "deep.yaml"), ("[" * 100_000, "deep.json")]
)
def test_a_deeply_nested_case_file_is_a_problem_not_a_crash(text: str, name: str) -> None:
    with pytest.raises(CaseFileInvalid):
        parse_case_text(text, name=name)


@bounded(100)
@given(text=st.one_of(hostile_text(), st.lists(hostile_text(), max_size=8).map("\n".join)))
@example(text="a: !!python/object/apply:os.system ['true']")
@example(text="a: &x [*x]")
@example(text=yaml.safe_dump(tiny_firm("acme")).replace("acme-europe", '"}) DELETE n //'))
def test_any_case_text_parses_or_lists_its_problems(text: str) -> None:
    for name in ("fuzz.yaml", "fuzz.json"):
        with contextlib.suppress(CaseFileInvalid):
            parse_case_text(text, name=name)


# -- (iv) the analyst guard ------------------------------------------------------------------

WRITE_WORDS = ["CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "FOREACH"]
CYPHER_BITS = st.sampled_from(
    [
        *WRITE_WORDS,
        *(w.lower() for w in WRITE_WORDS),
        "LOAD CSV",
        "CALL db.idx.fulltext.createNodeIndex",
        "MATCH (n)",
        "RETURN n",
        "RETURN 1 AS set",
        "n.set",
        "{set: 1}",
        "UNION",
        "AS",
        "'",
        '"',
        "`",
        "\\",
        "//",
        "/*",
        "*/",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        " ",
        "\n",
        ":",
    ]
)
GUARD_INPUT = st.one_of(
    hostile_text(),
    st.lists(st.one_of(CYPHER_BITS, hostile_text()), max_size=30).map(" ".join),
)


@bounded(200)
@given(text=GUARD_INPUT)
@example(text="MATCH (n) RETURN n.name AS set")
@example(text="MATCH (n) /* CREATE */ RETURN n")
@example(text="MATCH (n) cReAtE (m)")
def test_the_analyst_guard_only_refuses_with_its_own_errors(text: str) -> None:
    with contextlib.suppress(InvalidArgument, WriteRefused):
        check_adhoc_cypher(text, max_chars=20_000)


class TooSlow(Exception):
    """The guard ran past its time budget (raised from a timer signal)."""


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail with TooSlow as soon as the block runs past `seconds` (regex matching included)."""

    def expire(*_: object) -> None:
        raise TooSlow(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


GUARD_LIMIT_CHARS = 20_000  # KFLOW_ANALYST_MAX_QUERY_CHARS' default
GUARD_BUDGET_S = 0.5


def padded(fragments: list[str]) -> str:
    """The fragments repeated to the longest query the guard accepts by default."""
    unit = "".join(fragments) or " "
    return (unit * (GUARD_LIMIT_CHARS // len(unit) + 1))[:GUARD_LIMIT_CHARS]


@bounded(60)
@given(text=st.lists(st.one_of(CYPHER_BITS, hostile_text()), min_size=1, max_size=6).map(padded))
@example(text=padded(['"\\']))  # an unterminated string of escaped quotes
@example(text=padded(["/* "]))  # unterminated comments
@example(text=padded(["AS SET "]))  # aliases named like a write clause
def test_the_analyst_guard_is_fast_on_long_input(text: str) -> None:
    with within(GUARD_BUDGET_S), contextlib.suppress(InvalidArgument, WriteRefused):
        check_adhoc_cypher(text, max_chars=GUARD_LIMIT_CHARS)
