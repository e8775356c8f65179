"""The embedded engine's data directory against another local user: the graph's files are
not readable, its lock files cannot be held to block the engine, a directory another user
owns is refused, and `kflow engine stop` signals no process but the engine's own host.

The other user is a process forked from this one that drops to `nobody`, so these tests
need root; as any other user they are skipped (there is no second user to be)."""

import contextlib
import fcntl
import json
import os
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from service.store.engine_share import read_state
from service.store.private_dir import lock_holders
from tests.helpers import kflow, tiny_firm

pytestmark = pytest.mark.e2e

NOBODY = 65534
as_root = pytest.mark.skipif(os.geteuid() != 0, reason="another user needs root to become")


@pytest.fixture
def open_base() -> Iterator[Path]:
    """A directory every user may enter (pytest's own tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="kflow-privacy-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def as_nobody(path: Path, *, lock: int | None = None) -> Iterator[str]:
    """Another user opens the file (and locks it, if asked) and holds it until the block
    ends; yields what happened: "held", "opened" or the error it met."""
    report_r, report_w = os.pipe()
    release_r, release_w = os.pipe()
    child = os.fork()
    if child == 0:  # the other user
        os.close(report_r)
        os.close(release_w)
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            handle = os.open(path, os.O_RDONLY)
            if lock is not None:
                fcntl.flock(handle, lock | fcntl.LOCK_NB)
            os.write(report_w, b"held" if lock is not None else b"opened")
        except OSError as err:
            os.write(report_w, type(err).__name__.encode())
        os.read(release_r, 1)
        os._exit(0)
    os.close(report_w)
    os.close(release_r)
    try:
        yield os.read(report_r, 100).decode()
    finally:
        os.write(release_w, b"x")
        os.waitpid(child, 0)
        os.close(report_r)
        os.close(release_w)


def open_files(data: Path) -> list[str]:
    """Every path under the directory that another user could use (group or other bits)."""
    found = [] if stat.S_IMODE(data.stat().st_mode) == 0o700 else [str(data)]
    for root, dirs, files in os.walk(data):
        for name in [*dirs, *files]:
            path = Path(root) / name
            if not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) & 0o077:
                found.append(f"{path} {stat.S_IMODE(path.stat().st_mode):o}")
    return found


def test_the_data_directory_and_the_engines_files_are_the_users_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    started = kflow("engine", "start", data=data)
    assert started.returncode == 0, started.stderr
    try:
        seeds = tmp_path / "seeds"
        seeds.mkdir()
        (seeds / "acme.yaml").write_text(yaml.safe_dump(tiny_firm("acme"), sort_keys=False))
        recorded = kflow("seed", "--seed-dir", str(seeds), data=data)
        assert recorded.returncode == 0, recorded.stderr
        assert list((data / "appendonlydir").iterdir()), "the engine wrote no append-only file"
        assert open_files(data) == []
    finally:
        assert kflow("engine", "stop", data=data).returncode == 0


@as_root
def test_another_user_can_neither_read_the_graph_nor_hold_a_lock(open_base: Path) -> None:
    data = open_base / "data"
    started = kflow("engine", "start", data=data)
    assert started.returncode == 0, started.stderr
    try:
        aof = next((data / "appendonlydir").iterdir())
        with as_nobody(aof) as reading:
            assert reading == "PermissionError"
        for name in ("engine.users", "engine.lock", "engine.start", "engine.loads"):
            with as_nobody(data / name, lock=fcntl.LOCK_EX) as holding:
                assert holding == "PermissionError", name
    finally:
        assert kflow("engine", "stop", data=data).returncode == 0


def older_kflows_directory(data: Path) -> None:
    """A data directory as kflow left it before it was private: open to everyone."""
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    for name in ("engine.users", "engine.lock", "engine.start", "engine.loads"):
        (data / name).touch()
        (data / name).chmod(0o644)


@as_root
def test_a_lock_another_user_took_in_an_open_directory_blocks_nothing(open_base: Path) -> None:
    data = open_base / "data"
    older_kflows_directory(data)
    # Held exclusively, engine.users would keep every kflow process from attaching.
    with as_nobody(data / "engine.users", lock=fcntl.LOCK_EX) as holding:
        assert holding == "held"
        status = kflow("status", data=data, KFLOW_ENGINE_START_TIMEOUT_S="15")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["backend"] == "embedded"
        assert open_files(data) == []
        with as_nobody(data / "engine.users", lock=fcntl.LOCK_SH) as again:
            assert again == "PermissionError"


@as_root
def test_a_lock_another_user_holds_beside_a_running_kflow_is_refused_by_name(
    open_base: Path,
) -> None:
    data = open_base / "data"
    older_kflows_directory(data)
    with (
        (data / "engine.users").open("a") as ours,
        as_nobody(data / "engine.start", lock=fcntl.LOCK_EX) as holding,
    ):
        # A kflow process of the owner uses the engine, so the lock files stay as they are.
        fcntl.flock(ours, fcntl.LOCK_SH)
        assert holding == "held"
        intruder = next(pid for pid in lock_holders(data / "engine.start"))
        status = kflow("status", data=data, KFLOW_ENGINE_START_TIMEOUT_S="15")
    assert status.returncode != 0
    assert f"process {intruder} of nobody (uid {NOBODY}) holds a lock on" in status.stderr
    assert "engine.start" in status.stderr
    assert not lock_holders(data / "engine.lock"), "an engine started regardless"


@as_root
def test_a_data_directory_another_user_owns_is_refused(open_base: Path) -> None:
    data = open_base / "data"
    data.mkdir(mode=0o700)
    os.chown(data, NOBODY, NOBODY)
    status = kflow("status", data=data)
    assert status.returncode != 0
    assert f"{data} belongs to nobody (uid {NOBODY})" in status.stderr
    assert list(data.iterdir()) == [], "kflow wrote into another user's directory"


def test_engine_stop_signals_no_process_but_the_engine_host(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # A host that checks for users rarely, so that only `engine stop` could stop it here.
    started = kflow("engine", "start", data=data, KFLOW_ENGINE_WATCH_S="60")
    assert started.returncode == 0, started.stderr
    host = json.loads(started.stdout)["owner"]
    bystander = subprocess.Popen(["sleep", "120"])
    try:
        # engine.lock names an unrelated process as the owner (stale or forged).
        state = read_state(data)
        assert state is not None
        (data / "engine.lock").write_text(json.dumps({**state, "owner": bystander.pid}))
        stopped = kflow("engine", "stop", data=data)
        assert stopped.returncode == 0, stopped.stderr
        assert bystander.poll() is None, "kflow engine stop killed an unrelated process"
        assert json.loads(stopped.stdout)["running"]
        (data / "engine.lock").write_text(json.dumps(state))
        stopped = kflow("engine", "stop", data=data)
        assert not json.loads(stopped.stdout)["running"], stopped.stderr
    finally:
        bystander.kill()
        bystander.wait()
        with contextlib.suppress(ProcessLookupError):
            os.kill(host, signal.SIGTERM)
