"""Atomic file writes: a temp file in the same folder, fsync, then rename.

An operator or a player never sees half a playlist or half an MP3: either the previous
file or the complete new one is there, even after a crash or kill -9.

A temp file's name carries the id of the process writing it (``.NAME.pidPID.XXXX.tmp``),
so the next run can tell a killed run's leftover (its process is gone: remove it at
once) from a file another command is writing right now (keep it).
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DiskFullError
from . import faults

# mkstemp makes 0600 files; published files get the usual mode (0644 under umask 022) so
# playout software, a Samba share or the daemon running as another user can read them.
# Read once at import: os.umask() can only be read by setting it, which is not thread-safe.
_UMASK = os.umask(0o022)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success it replaces ``target`` atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.pid{os.getpid()}.",
            suffix=".tmp" + target.suffix,
            dir=target.parent,
        )
    except OSError as exc:  # name the file the user asked for, not our temp name
        _disk_full(exc, target)
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, FILE_MODE)
        try:
            yield tmp
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        except OSError as exc:
            _disk_full(exc, target)
            raise
        try:
            # tests crash here (the temp is whole, the target not yet) or make it fail
            faults.point("publish")
            os.replace(tmp, target)
        except OSError as exc:
            _disk_full(exc, target)
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    finally:
        if tmp.exists():
            tmp.unlink()


@contextmanager
def scratch_path(target: Path, tag: str) -> Iterator[Path]:
    """A temp path beside ``target`` named as :func:`atomic_path` names its own (so a
    killed run's leftover is recognised and removed), deleted afterwards whatever
    happens: for the intermediate files of a write, e.g. the parts of a long MP3."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{tag}.pid{os.getpid()}.",
            suffix=".tmp" + target.suffix,
            dir=target.parent,
        )
    except OSError as exc:
        _disk_full(exc, target)
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
        except OSError as exc:
            _disk_full(exc, target)
            raise
    finally:
        tmp.unlink(missing_ok=True)


def _disk_full(exc: OSError, target: Path) -> None:
    """ENOSPC becomes a message naming the file. What frees space, measured, is added
    where the error is shown (``broadcast.build.diskspace.space_advice``): this lowest
    layer knows nothing of output folders."""
    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
        return
    raise DiskFullError(f"Ổ đĩa đầy: không ghi được tệp {target}", where=str(target)) from None


def _write_data(tmp: Path, data: bytes) -> None:
    """Fill a temp file (a named point where tests inject a full disk)."""
    tmp.write_bytes(data)


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        _write_data(tmp, data)


def write_text(target: Path, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def write_with(target: Path, writer: Callable[[Path], None]) -> None:
    """Let ``writer`` fill a temp path (e.g. an ffmpeg export), then publish it."""
    with atomic_path(target) as tmp:
        writer(tmp)


#: ``.NAME.pid123.abcd.tmp.mp3`` (atomic_path) or ``.NAME.123.tmp`` (playlist batches)
_OWNER = re.compile(r"\.pid(\d+)\.[^.]*\.tmp(?:\.[^.]*)?$|\.(\d+)\.tmp$")
TEMP_GLOB = ".*.tmp*"
#: a temp file without an owner in its name (written by an older version) counts as
#: left over once it is this old
UNKNOWN_OWNER_AGE_S = 3600


def owner_pid(tmp: Path) -> int | None:
    """The id of the process that was writing ``tmp``; None for an older-style name."""
    m = _OWNER.search(Path(tmp).name)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    except OSError:
        return True
    return True


def is_left_over(tmp: Path, now: float | None = None) -> bool:
    """True when no live process owns the temp file ``tmp`` (a killed run left it)."""
    pid = owner_pid(tmp)
    if pid is not None:
        return not pid_alive(pid)
    try:
        age = (now if now is not None else time.time()) - Path(tmp).stat().st_mtime
    except OSError:
        return False
    return age >= UNKNOWN_OWNER_AGE_S


def remove_left_over(folder: Path, everything: bool = False) -> list[Path]:
    """Remove the temp files of ``folder`` that no live process owns (all of them with
    ``everything``: the caller holds the lock every writer there takes). Returns them."""
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    now = time.time()
    for tmp in Path(folder).glob(TEMP_GLOB):
        try:
            if everything or is_left_over(tmp, now):
                tmp.unlink()
                removed.append(tmp)
        except OSError:
            pass
    return removed
