"""The named questions that ask a GraphQL field's own statements refuse a bad step or walk
length by name before they send anything: the in-memory store runs no Cypher, so a check
that reached the graph first would fail here with NotImplementedError, not the refusal."""

import pytest

from service.services.analyst import run_named_query
from service.services.analytics_queries import ROW_LIMIT
from service.services.errors import InvalidArgument
from service.services.shared_queries import list_reverse_transfer_path_rows
from tests.fakes import MemoryStore

pytestmark = pytest.mark.unit


async def test_an_unknown_integration_step_is_refused_by_name() -> None:
    with pytest.raises(InvalidArgument) as refused:
        await run_named_query(
            MemoryStore(), name="list_integration_events", params={"step": "sideways"}, row_cap=10
        )
    assert refused.value.argument == "step"
    assert "'sideways'" in str(refused.value) and "leverage" in str(refused.value).lower()


@pytest.mark.parametrize("hops", [0, 7])
async def test_a_walk_outside_one_to_six_hops_is_refused_by_name(hops: int) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await list_reverse_transfer_path_rows(
            MemoryStore(), {"unit": "huawei-uk", "knowledge": None, "maxHops": hops, ROW_LIMIT: 10}
        )
    assert refused.value.argument == "maxHops"
    assert f"not {hops}" in str(refused.value)
