"""GraphQL errors decided in the process, before any store call: arguments and documents the
schema refuses, records whose fields break the seed rules, how each failure is answered on
every surface, and unexpected failures masked. The schema runs on the in-memory store, which
runs no Cypher: a check that read the graph first would fail here as unexpected."""

from typing import Any

import pytest

from service.api.deps import Credential
from service.api.graphql.context import Context
from service.api.graphql.schema import schema
from service.failures import ANSWERS, EXIT_ENGINE, answer_of, exit_code_of
from service.services.access import Role
from tests.fakes import MemoryStore
from tests.helpers import RECORD_FLOW, flow_input

pytestmark = pytest.mark.unit


def context(role: Role) -> Context:
    return Context(MemoryStore(), credential=Credential(token=None, keys=None, anonymous=role))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("{ unitz { id } }", "Cannot query field 'unitz'"),
        ("{ integrationEvents(step: SIDEWAYS) { totalCount } }", "'SIDEWAYS' does not exist"),
        (
            '{ reverseTransferPaths(from: "huawei-uk", maxHops: 9) { totalCount } }',
            "maxHops: must be between 1 and 6",
        ),
        ("{ units(first: 1000) { totalCount } }", "first: must be between 1 and 100"),
        ('{ units(after: "bogus") { totalCount } }', "'bogus' is not a cursor"),
        (
            '{ integrationEvents(since: "last year") { totalCount } }',
            "since: 'last year' is not a date",
        ),
    ],
)
async def test_bad_arguments_are_refused_by_name_before_the_store_is_asked(
    query: str, message: str
) -> None:
    reader = context(Role.READER)
    answer = await schema.execute(query, context_value=reader)
    assert answer.errors is not None
    assert message.lower() in answer.errors[0].message.lower()
    assert reader.store.round_trips == 0


@pytest.mark.parametrize(
    ("record", "field", "reason"),
    [
        (
            flow_input("acme-f-x5", "acme-uk", "acme-europe", "UPWARD", date="2024-13"),
            "date",
            "month 13 does not exist",
        ),
        (flow_input("Not An Id", "acme-uk", "acme-europe", "UPWARD"), "id", "should match pattern"),
    ],
)
async def test_a_record_with_a_malformed_field_is_rejected_before_the_graph_is_read(
    record: dict[str, Any], field: str, reason: str
) -> None:
    editor = context(Role.EDITOR)
    answer = await schema.execute(
        RECORD_FLOW, variable_values={"input": record}, context_value=editor
    )
    assert answer.errors is None, answer.errors
    assert answer.data is not None
    result = answer.data["recordFlow"]
    assert result["__typename"] == "Rejected"
    assert any(p["field"] == field and reason in p["message"] for p in result["problems"])
    assert editor.store.round_trips == 0


def test_every_kind_of_failure_the_map_lists_can_get_its_answer() -> None:
    # The first class an error is an instance of decides: one listed after a class of its
    # own would never be reached.
    shadowed = [
        f"{kind.__name__} after {earlier.__name__}"
        for number, (kind, _) in enumerate(ANSWERS)
        for earlier, _ in ANSWERS[:number]
        if issubclass(kind, earlier)
    ]
    assert shadowed == []


def test_a_failure_kflow_does_not_expect_is_answered_as_the_engines() -> None:
    assert answer_of(RuntimeError("a bug")) is None
    assert exit_code_of(RuntimeError("a bug")) == EXIT_ENGINE


async def test_unexpected_failures_are_masked_and_expected_ones_are_not() -> None:
    class FailingStore:
        backend = "embedded"

        async def read(self, *_: object) -> list[dict[str, object]]:
            raise RuntimeError("secret engine detail")

    reader = Credential(token=None, keys=None, anonymous=Role.READER)
    context = Context(FailingStore(), credential=reader)  # type: ignore[arg-type]
    answer = await schema.execute("{ firms { id } }", context_value=context)
    assert answer.errors is not None
    assert [e.message for e in answer.errors] == ["Unexpected error."]
    typed = await schema.execute("{ units(first: 0) { totalCount } }", context_value=context)
    assert typed.errors is not None
    assert typed.errors[0].message == (
        "first: must be between 1 and 100, not 0 (KFLOW_MAX_PAGE_SIZE)"
    )
