"""The command line refuses what its arguments cannot mean before it opens a store or calls
a server: typer's usage exit code and a message naming the option."""

import pytest
from typer.testing import CliRunner

from service.cli import app

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--url", "localhost:8000", "status"],
            "--url 'localhost:8000': give the server's address as http(s)://HOST:PORT",
        ),
        (["--key", "k", "status"], "--key goes with --url"),
        (
            ["--url", "http://127.0.0.1:9", "seed"],
            "`kflow seed` runs on this machine's store; with --url only cypher, query, export",
        ),
    ],
)
def test_remote_options_that_cannot_work_are_refused_by_name(args: list[str], message: str) -> None:
    # Unset, so that a caller's own KFLOW_API_URL or KFLOW_API_KEY cannot answer for them.
    done = CliRunner().invoke(app, args, env={"KFLOW_API_URL": None, "KFLOW_API_KEY": None})
    assert done.exit_code == 2
    assert message in done.stderr
