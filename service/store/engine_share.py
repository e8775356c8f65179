"""One embedded engine for every kflow process on a data directory.

The first kflow process to open a data directory starts an engine host: a small process of
its own (`python -m service.store.engine_share CONFIG`) that owns the engine
(`EngineProcess`), starts it again if it dies, and writes its owner and socket into
engine.lock. Every kflow process on the directory is a user: it holds a shared lock on
engine.users while it uses the engine, and talks to the socket engine.lock names. The
engine stops when its last user is gone, unless engine.keep (`kflow engine start`) keeps it.
The kernel drops a process's locks when it dies, so a crashed user or host never blocks
the next start, and the engine (which holds engine.lock too) dies with its host.
"""

import contextlib
import fcntl
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import redis

from service.store.engine import (
    EngineConfig,
    EngineFiles,
    EngineProcess,
    prepare_data_dir,
)
from service.store.port import EngineStartError, StoreError
from service.store.private_dir import PRIVATE_FILE_MODE, lock_holders, process_user

log = logging.getLogger("kflow.engine")

LOCK_POLL_S = 0.01
# How long a leaving user waits for the engine it stopped to flush and exit.
STOP_WAIT_S = 30.0


def _lock(file: IO[str], mode: int, *, deadline: float | None) -> bool:
    """Take a lock on the file, polling until the deadline (None: one try); True if taken."""
    while True:
        try:
            fcntl.flock(file, mode | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if deadline is None or time.monotonic() > deadline:
                return False
            time.sleep(LOCK_POLL_S)


def read_state(data_dir: Path) -> dict[str, Any] | None:
    """What the engine's owner wrote in engine.lock (None while it writes or if none did)."""
    try:
        state = json.loads((data_dir / "engine.lock").read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


@dataclass(frozen=True)
class EngineStatus:
    """The shared engine on a data directory, as `kflow engine status` shows it."""

    data_dir: str
    running: bool
    owner: int | None = None
    engine: int | None = None
    socket: str | None = None
    version: str | None = None
    kept: bool = False
    users: tuple[int, ...] = ()


def get_engine_status(data_dir: Path) -> EngineStatus:
    """Whether an engine runs on the directory, who owns it, who uses it, whether it is kept."""
    kept = (data_dir / "engine.keep").exists()
    if not lock_holders(data_dir / "engine.lock"):
        return EngineStatus(data_dir=str(data_dir), running=False, kept=kept)
    state = read_state(data_dir) or {}
    return EngineStatus(
        data_dir=str(data_dir),
        running=state.get("state") == "ready",
        owner=state.get("owner"),
        engine=state.get("engine"),
        socket=state.get("socket"),
        version=state.get("version"),
        kept=kept,
        users=tuple(sorted(set(lock_holders(data_dir / "engine.users")))),
    )


HOST_MODULE = "service.store.engine_share"


def _is_host_of(pid: int, data_dir: Path) -> bool:
    """Whether the process is this user's engine host for the data directory, holding its
    engine.lock: what its command line, its user and /proc/locks say."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if len(command) < 4 or command[1:3] != [b"-m", HOST_MODULE.encode()]:
        return False
    try:
        served = Path(json.loads(command[3])["data_dir"]).resolve()
    except (ValueError, KeyError, TypeError):
        return False
    return (
        served == data_dir.resolve()
        and process_user(pid) == os.geteuid()
        and pid in lock_holders(data_dir / "engine.lock")
    )


def _signal_host(owner: int, data_dir: Path) -> bool:
    """Send SIGTERM to the engine host engine.lock names, once it is known to be the host
    (a stale or forged owner may be any process); True if sent."""
    try:
        # A descriptor on the process first: if it exits after the check, its id cannot
        # be handed to another process that then gets the signal.
        handle = os.pidfd_open(owner)
    except OSError:
        return False
    try:
        if not _is_host_of(owner, data_dir):
            log.warning(
                "engine.lock in %s names process %s, which is not its engine host: not signalled",
                data_dir,
                owner,
            )
            return False
        signal.pidfd_send_signal(handle, signal.SIGTERM)
        return True
    except ProcessLookupError:
        return False
    finally:
        os.close(handle)


def _stop_host(data_dir: Path) -> None:
    """Ask the engine's host to stop, and wait until the engine has flushed and exited.

    The caller holds engine.users exclusively, so no process attaches meanwhile.
    """
    state = read_state(data_dir) or {}
    owner = state.get("owner")
    if not (
        isinstance(owner, int)
        and lock_holders(data_dir / "engine.lock")
        and _signal_host(owner, data_dir)
    ):
        return
    deadline = time.monotonic() + STOP_WAIT_S
    while lock_holders(data_dir / "engine.lock") and time.monotonic() < deadline:
        time.sleep(LOCK_POLL_S)


class EngineLease(EngineFiles):
    """This process's use of the shared engine on a data directory."""

    def __init__(self, config: EngineConfig) -> None:
        super().__init__(config.data_dir)
        self.config = config
        self.pid: int | None = None
        self._users: IO[str] | None = None
        # A descriptor on the engine process, readable once it has exited: the watchdog's
        # check every second, without reading /proc/locks (whose size is every lock of the
        # machine).
        self._engine_handle: int | None = None

    def attach(self) -> None:
        """Use the engine running on the data directory, or start one."""
        prepare_data_dir(self.data_dir)
        deadline = time.monotonic() + self.config.start_timeout_s
        if self._users is None:
            users = (self.data_dir / "engine.users").open("a")
            # Waits only while a host that found no users stops its engine.
            if not _lock(users, fcntl.LOCK_SH, deadline=deadline):
                users.close()
                raise EngineStartError(
                    f"the engine on {self.data_dir} did not finish stopping within "
                    f"{self.config.start_timeout_s:.0f} s (KFLOW_ENGINE_START_TIMEOUT_S)"
                )
            self._users = users
        try:
            self._find_or_start(deadline)
        except BaseException:
            self.stop()
            raise
        lock = (self.data_dir / "engine.lock").open("r")
        if self._lock is not None:
            self._lock.close()
        self._lock = lock
        state = read_state(self.data_dir) or {}
        self.pid = state.get("engine")
        self.module_version = str(state.get("version", ""))
        self._watch_engine()
        self._fit_timeout_cap()

    def _watch_engine(self) -> None:
        self._close_engine_handle()
        if isinstance(self.pid, int):
            with contextlib.suppress(OSError):  # gone already: `running` says so
                self._engine_handle = os.pidfd_open(self.pid)

    def _close_engine_handle(self) -> None:
        handle, self._engine_handle = self._engine_handle, None
        if handle is not None:
            os.close(handle)

    def _fit_timeout_cap(self) -> None:
        """Raise the engine's query time cap to this process's limit if it is lower: the
        process that started the engine set it, and each query carries its own timeout."""
        client = self.client()
        try:
            found = client.execute_command("GRAPH.CONFIG", "GET", "TIMEOUT_MAX")  # type: ignore[no-untyped-call]
            cap = int(found[1])
            if 0 < cap < self.config.query_timeout_ms:
                client.execute_command(  # type: ignore[no-untyped-call]
                    "GRAPH.CONFIG", "SET", "TIMEOUT_MAX", self.config.query_timeout_ms
                )
        except redis.RedisError as err:
            raise EngineStartError(
                f"the engine on {self.data_dir} does not answer: {err}"
            ) from None
        finally:
            client.close()

    def _find_or_start(self, deadline: float) -> None:
        with (self.data_dir / "engine.start").open("a") as starting:
            if not _lock(starting, fcntl.LOCK_EX, deadline=deadline):
                raise EngineStartError(
                    f"another kflow process has been starting the engine on {self.data_dir} "
                    f"for {self.config.start_timeout_s:.0f} s (KFLOW_ENGINE_START_TIMEOUT_S)"
                )
            while True:
                if not lock_holders(self.data_dir / "engine.lock"):
                    self._start_host()
                state = read_state(self.data_dir)
                if state is not None and state.get("state") == "ready":
                    return
                if time.monotonic() > deadline:
                    raise EngineStartError(
                        f"engine.lock in {self.data_dir} is held (by process "
                        f"{', '.join(map(str, lock_holders(self.data_dir / 'engine.lock')))}) "
                        f"but no engine became ready within {self.config.start_timeout_s:.0f} s"
                    )
                time.sleep(LOCK_POLL_S)

    def _start_host(self) -> None:
        config = {key: str(value) for key, value in asdict(self.config).items() if value}
        host = subprocess.Popen(
            [sys.executable, "-m", HOST_MODULE, json.dumps(config)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            text=True,
        )
        assert host.stdout is not None
        with host.stdout:
            line = host.stdout.readline()
        try:
            reply = json.loads(line)
        except ValueError:
            reply = {"error": f"the engine host exited with code {host.wait()} while starting"}
        if "error" in reply:
            raise EngineStartError(reply["error"])

    @property
    def running(self) -> bool:
        """Whether the engine this process attached to still runs (not one started since)."""
        if self._engine_handle is None:
            return False
        exited, _, _ = select.select([self._engine_handle], [], [], 0)
        return not exited

    def restart(self) -> None:
        """Attach again after the engine stopped: to the one its host restarted, or a new one."""
        self.attach()

    def stop(self) -> None:
        """Stop using the engine; the last user to leave stops it, unless it is kept."""
        users, self._users = self._users, None
        if users is not None:
            fcntl.flock(users, fcntl.LOCK_UN)
            if not (self.data_dir / "engine.keep").exists() and _lock(
                users, fcntl.LOCK_EX, deadline=None
            ):
                _stop_host(self.data_dir)
            users.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        self._close_engine_handle()


def keep_engine(config: EngineConfig) -> EngineStatus:
    """Start the engine on the data directory if none runs, and keep it with no users."""
    prepare_data_dir(config.data_dir)
    (config.data_dir / "engine.keep").touch(mode=PRIVATE_FILE_MODE)
    lease = EngineLease(config)
    lease.attach()
    lease.stop()
    return get_engine_status(config.data_dir)


def release_engine(data_dir: Path) -> EngineStatus:
    """Stop keeping the engine: it stops now if no process uses it, else when the last leaves."""
    (data_dir / "engine.keep").unlink(missing_ok=True)
    if (data_dir / "engine.users").exists():
        with (data_dir / "engine.users").open("a") as users:
            if _lock(users, fcntl.LOCK_EX, deadline=None):
                _stop_host(data_dir)
    return get_engine_status(data_dir)


def run_host(config: EngineConfig) -> int:
    """The engine host: start the engine, keep it up while it has users, then stop it."""
    os.umask(0o077)  # its log and the engine's files are the graph owner's only
    logging.basicConfig(
        filename=config.data_dir / "engine-host.log",
        format="%(asctime)s %(levelname)s engine host %(process)d: %(message)s",
        level=logging.INFO,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    engine = EngineProcess(config)
    try:
        engine.start()
    except StoreError as err:
        print(json.dumps({"error": str(err)}), flush=True)
        return 1
    log.info("FalkorDB %s started (pid %s)", engine.module_version, engine.pid)
    print(json.dumps({"ready": True}), flush=True)
    # Nothing more goes to the user that started this host, who may be gone.
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), sys.stdout.fileno())
    with (config.data_dir / "engine.users").open("a") as users:
        while not stopping.wait(config.watch_interval_s):
            if not (config.data_dir / "engine.keep").exists() and _lock(
                users, fcntl.LOCK_EX, deadline=None
            ):
                log.info("no kflow process uses the engine any more: stopping it")
                break
            if engine.lost_reason is None and engine.watch_files() is not None:
                log.error("the engine's files are lost: %s", engine.lost_reason)
            if engine.running or engine.lost_reason is not None:
                continue
            log.warning("the engine stopped; restarting it (see %s)", engine.log_path)
            try:
                engine.restart()
            except StoreError as err:
                log.error("the engine did not restart: %s", err)
                break
        engine.stop()
    log.info("engine stopped")
    return 0


def _host_config(text: str) -> EngineConfig:
    values = json.loads(text)
    return EngineConfig(
        data_dir=Path(values["data_dir"]),
        module=Path(values["module"]) if "module" in values else None,
        fsync=values["fsync"],
        start_timeout_s=float(values["start_timeout_s"]),
        query_timeout_ms=int(values["query_timeout_ms"]),
        query_memory_mb=int(values["query_memory_mb"]),
        watch_interval_s=float(values["watch_interval_s"]),
    )


if __name__ == "__main__":
    sys.exit(run_host(_host_config(sys.argv[1])))
