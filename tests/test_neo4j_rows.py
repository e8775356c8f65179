"""The Neo4j adapter's row reader: one walk over a record gives what the driver's own export
followed by `plain` gives, for the replies of scalars, lists and maps and for the rest."""

from typing import Any

import neo4j
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from neo4j.time import Date, DateTime

from service.store.neo4j import plain, row_of

pytestmark = pytest.mark.unit

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
COLUMNS = st.dictionaries(st.text(min_size=1), VALUES, min_size=1, max_size=4)


def record(columns: dict[str, Any]) -> neo4j.Record:
    return neo4j.Record(columns)  # type: ignore[no-untyped-call]


def exported(columns: dict[str, Any]) -> dict[str, Any]:
    return plain(record(columns).data())  # type: ignore[no-any-return]


@settings(max_examples=150, derandomize=True, deadline=None)
@given(COLUMNS)
def test_a_reply_of_scalars_lists_and_maps_reads_as_the_drivers_export(
    columns: dict[str, Any],
) -> None:
    assert row_of(record(columns)) == exported(columns)


def test_a_temporal_value_anywhere_in_a_record_reads_as_python_time() -> None:
    columns = {
        "page": {"items": [{"id": "a", "at": DateTime(2026, 12, 7, 10, 15, 0)}], "total": 1},
        "day": Date(2026, 12, 7),
    }
    row = row_of(record(columns))
    assert row == exported(columns)
    assert row["day"].isoformat() == "2026-12-07"
    assert row["page"]["items"][0]["at"].isoformat() == "2026-12-07T10:15:00"
