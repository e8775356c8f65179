"""The named query library as shipped: every question has an answer test_analyst checks on
the seeded demos, and each statement stops at the row cap in the engine."""

import re

import pytest

from service.services.analyst import LIBRARY, ROW_LIMIT, code_only, list_named_queries
from tests.test_analyst import NAMED_ANSWERS

pytestmark = pytest.mark.unit


def test_the_library_ships_every_question_test_analyst_answers() -> None:
    assert {q.name for q in list_named_queries()} == set(NAMED_ANSWERS)


def test_every_named_query_stops_at_the_row_limit_in_the_engine() -> None:
    # The cap is applied by the statement (run_named_query binds $rowLimit to cap + 1), not
    # after every row came back; it is no parameter of the analyst's. Any other LIMIT before
    # it (say `LIMIT 200`) would cut the answer below the cap and `truncated` would be false.
    problems = [
        name
        for name, query in LIBRARY.items()
        if ROW_LIMIT not in query.param_names
        or not re.search(r"\bLIMIT\b[^\n]*\$rowLimit\b[^\n]*$", query.text)
    ]
    assert problems == []
    other_limits = {
        name: limits
        for name, query in LIBRARY.items()
        if (limits := re.findall(r"\bLIMIT\s+(?!\$rowLimit\b)\S+", code_only(query.text), re.I))
    }
    assert other_limits == {}
    assert all(ROW_LIMIT not in {p.name for p in q.params} for q in list_named_queries())
