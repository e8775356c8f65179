"""`kflow explain NAME`: a catalogue statement's plan, profiled on the engine it runs on."""

from pathlib import Path

import pytest

from service.services.errors import InvalidArgument, NotFound
from service.services.explain import profile_statement
from service.store.port import GraphStore
from tests.helpers import kflow

pytestmark = pytest.mark.e2e


async def test_a_firms_events_are_found_through_the_firm_index(store: GraphStore) -> None:
    plan = await profile_statement(
        store,
        name="integration/list_integration_events",
        params={"firm": "huawei", "limit": "10"},
    )
    seeks = [line for line in plan if "IntegrationEvent" in line and "Index" in line]
    assert seeks, "\n".join(plan)
    assert not any("Label Scan" in line and "IntegrationEvent" in line for line in plan)


async def test_writes_unknown_statements_and_parameters_are_refused(store: GraphStore) -> None:
    with pytest.raises(NotFound):
        await profile_statement(store, name="paths/no_such_statement", params={})
    with pytest.raises(InvalidArgument, match="writes"):
        await profile_statement(store, name="recording/create_unit", params={})
    with pytest.raises(InvalidArgument, match="no parameter colour"):
        await profile_statement(store, name="cases/list_firms", params={"colour": "red"})


def test_the_command_names_a_statement_it_does_not_know(tmp_path: Path) -> None:
    done = kflow("explain", "paths/no_such_statement", data=tmp_path)
    assert done.returncode == 1
    assert "paths/no_such_statement" in done.stderr
