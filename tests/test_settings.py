"""Settings read from the environment: what each means, and what is refused by name."""

import re
from pathlib import Path

import pytest

from service.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.unit


def test_budgets_per_role_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KFLOW_GRAPHQL_MAX_COST", "900")
    monkeypatch.setenv("KFLOW_GRAPHQL_MAX_COST_BY_ROLE", '{"admin": 50000}')
    settings = Settings()
    assert settings.graphql_cost_budget("admin") == 50_000
    assert settings.graphql_cost_budget("reader") == settings.graphql_cost_budget(None) == 900


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("embedded://./data", "embedded"),
        ("embedded:///srv/kflow", "embedded"),
        ("bolt://db:7687", "neo4j"),
        ("neo4j+s://db.example:7687", "neo4j"),
    ],
)
def test_the_graph_url_picks_the_backend(url: str, backend: str) -> None:
    assert Settings(graph_url=url, neo4j_password="s3cret").backend == backend


def test_a_relative_data_directory_is_under_the_project_root() -> None:
    assert Settings(graph_url="embedded://./data").embedded_dir == PROJECT_ROOT / "data"
    assert Settings(graph_url="embedded:///srv/kflow").embedded_dir == Path("/srv/kflow")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://db:7474", "KFLOW_GRAPH_URL 'http://db:7474': unknown scheme 'http'"),
        ("embedded://", "KFLOW_GRAPH_URL 'embedded://' needs a directory"),
    ],
)
def test_a_graph_url_kflow_cannot_open_is_refused_by_name(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Settings(graph_url=url)


def test_developer_pages_are_off_in_production_unless_asked_for() -> None:
    production = Settings(env="production", graph_url="embedded:///srv/kflow")
    assert not production.api_docs_enabled and not production.graphiql_enabled
    assert Settings(env="production", graph_url="embedded:///srv", api_docs=True).api_docs_enabled
    local = Settings(env="local")
    assert local.api_docs_enabled and local.graphiql_enabled
    with pytest.raises(ValueError, match="KFLOW_GRAPHIQL=true is refused in production"):
        Settings(env="production", graph_url="embedded:///srv/kflow", graphiql=True)
