"""Property tests of hostile text through the real engines: any text a parameter carries is
stored and read back unchanged, on each backend."""

import time

import hypothesis.strategies as st
import pytest
from hypothesis import example, given

from service.store.port import GraphStore
from tests.helpers import load_test_statement
from tests.test_properties import bounded, hostile_text

pytestmark = pytest.mark.integration

CREATE_UNIT = load_test_statement("contract/create_unit")
LIST_UNITS = load_test_statement("contract/list_units")
GET_VALUES = load_test_statement("contract/get_values")
NO_NUL_TEXT = st.one_of(
    hostile_text(nul=False),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=300),
)


@bounded(100)
@given(name=NO_NUL_TEXT)
@example(name='"}) DETACH DELETE n //')
@example(name="\\'\\\"\\\\")
@example(name="")
async def test_any_text_is_stored_and_read_back_unchanged(store: GraphStore, name: str) -> None:
    unit_id = f"u{time.monotonic_ns()}"
    written = await store.write(CREATE_UNIT, {"id": unit_id, "name": name})
    assert written == [{"unit": {"id": unit_id, "name": name}}]
    units = {row["unit"]["id"]: row["unit"]["name"] for row in await store.read(LIST_UNITS)}
    assert units[unit_id] == name


@bounded(100)
@given(text=NO_NUL_TEXT, items=st.lists(NO_NUL_TEXT, max_size=5))
async def test_text_parameters_come_back_from_the_engine_unchanged(
    store: GraphStore, text: str, items: list[str]
) -> None:
    params = {
        "text": text,
        "number": 1,
        "ratio": 0.5,
        "flag": False,
        "items": items,
        "day": "2001-02-03",
    }
    [row] = await store.read(GET_VALUES, params)
    assert (row["text"], row["items"]) == (text, items)
