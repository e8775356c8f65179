"""The embedded engine's data directory is private to the user that runs kflow.

Its files are the graph itself (the engine's append-only and snapshot files) and the locks
through which kflow processes share one engine. Another local user who could read the
directory could read the graph; one who could open a lock file could hold it with flock
and keep every kflow process from starting or stopping the engine. So the directory is
0700 and its files 0600, and a start refuses a directory another user owns or planted files
in. A directory left open by an older kflow is closed on the next start; a lock file
another user may have opened meanwhile is replaced while no kflow process uses it, and a
start is refused, naming the process, if another user holds one that is in use.
"""

import logging
import os
import pwd
import stat
from pathlib import Path

from service.store.port import EngineStartError

log = logging.getLogger("kflow.engine")

# The files kflow processes lock to share the engine (engine.py and engine_share.py).
LOCK_FILES = ("engine.lock", "engine.users", "engine.start", "engine.loads")
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def lock_holders(path: Path) -> list[int]:
    """The ids of the processes holding a lock on the file (from /proc/locks; none if the
    file is missing). Reading them takes no lock, so it never gets in a locker's way."""
    try:
        found = os.stat(path)
        held = Path("/proc/locks").read_text()
    except OSError:
        return []
    inode = f"{os.major(found.st_dev):02x}:{os.minor(found.st_dev):02x}:{found.st_ino}"
    rows = [line.split() for line in held.splitlines() if "->" not in line]  # not waiters
    return [int(fields[4]) for fields in rows if len(fields) > 5 and fields[5] == inode]


def process_user(pid: int) -> int | None:
    """The user id a process runs as (None once it has exited)."""
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def _user_name(uid: int) -> str:
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def _foreign_owner(path: Path, found: os.stat_result) -> None:
    if found.st_uid != os.geteuid():
        raise EngineStartError(
            f"{path} belongs to {_user_name(found.st_uid)}, not to {_user_name(os.geteuid())} "
            "who runs kflow; another user could read the graph or block the engine there: "
            "use a data directory you own (KFLOW_GRAPH_URL)"
        )


def _close_files(data_dir: Path) -> None:
    """Take group and other access off every file under the directory (all must be ours)."""
    for root, dirs, files in os.walk(data_dir):
        for name in [*dirs, *files]:
            path = Path(root) / name
            found = path.lstat()
            _foreign_owner(path, found)
            if not stat.S_ISLNK(found.st_mode) and stat.S_IMODE(found.st_mode) & 0o077:
                os.chmod(path, stat.S_IMODE(found.st_mode) & ~0o077)


def _replace_unused_locks(data_dir: Path) -> None:
    """Give each lock file a new inode, so that a descriptor another user opened while the
    directory was open locks nothing; only while no process of ours holds any of them."""
    mine = os.geteuid()
    holders = [pid for name in LOCK_FILES for pid in lock_holders(data_dir / name)]
    if any(process_user(pid) == mine for pid in holders):
        return
    for name in LOCK_FILES:
        fresh = data_dir / f".{name}.{os.getpid()}"
        os.close(os.open(fresh, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE_MODE))
        os.replace(fresh, data_dir / name)


def _refuse_foreign_holders(data_dir: Path) -> None:
    mine = os.geteuid()
    for name in LOCK_FILES:
        for pid in lock_holders(data_dir / name):
            user = process_user(pid)
            if user is not None and user != mine:
                raise EngineStartError(
                    f"process {pid} of {_user_name(user)} holds a lock on {data_dir / name}, "
                    "which only kflow processes of the directory's owner may hold (it can "
                    "keep the engine from starting or stopping); stop that process"
                )


def make_private(data_dir: Path) -> None:
    """Create the data directory 0700 with its lock files 0600, or check an existing one:
    owned by this user, closed to others (closing it if an older kflow left it open), and
    with no lock held by another user's process."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    found = data_dir.stat()
    _foreign_owner(data_dir, found)
    if stat.S_IMODE(found.st_mode) & 0o077:
        # Closed first, so no other user can open anything in it from here on.
        os.chmod(data_dir, PRIVATE_DIR_MODE)
        log.warning(
            "the data directory %s was open to other users (mode %o): made private (0700)",
            data_dir,
            stat.S_IMODE(found.st_mode),
        )
        _close_files(data_dir)
        _replace_unused_locks(data_dir)
    for name in LOCK_FILES:
        os.close(os.open(data_dir / name, os.O_CREAT | os.O_WRONLY, PRIVATE_FILE_MODE))
    _refuse_foreign_holders(data_dir)
