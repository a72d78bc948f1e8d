"""One lock per output folder: a second build (cron, the console, ``emergency``) waits for the
first, and can say at once who holds it (pid, command, since when)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from ..errors import BroadcastError, LockBusyError, StoppedByUser
from ..files import atomic
from ..vocabulary import TIMEZONE

log = logging.getLogger(__name__)
TZ = ZoneInfo(TIMEZONE)


LOCK_NAME = ".broadcast.lock"


#: beside the lock while it is held: who holds it (pid, command, since when), so that a
#: second run can say at once what it is waiting for
LOCK_OWNER = LOCK_NAME + ".owner"


def _owner_text(out_dir: Path) -> str:
    """'pid 4242, lệnh "broadcast build --days 7", từ 05:01:12 28/11/2026' (or less)."""
    try:
        info = json.loads((Path(out_dir) / LOCK_OWNER).read_text("utf-8"))
    except (OSError, ValueError):
        return "không rõ lần chạy nào"
    parts = []
    if isinstance(info.get("pid"), int):
        alive = "" if atomic.pid_alive(info["pid"]) else ", đã dừng"
        parts.append(f"pid {info['pid']}{alive}")
    if info.get("command"):
        parts.append(f'lệnh "{info["command"]}"')
    if info.get("since"):
        try:
            since = dt.datetime.fromisoformat(info["since"]).astimezone(TZ)
            parts.append(f"từ {since:%H:%M:%S %d/%m/%Y}")
        except ValueError:
            pass
    return ", ".join(parts) or "không rõ lần chạy nào"


def _write_owner(out_dir: Path) -> None:
    command = " ".join(["broadcast", *sys.argv[1:]]) if sys.argv else "broadcast"
    info = {"pid": os.getpid(), "command": command, "since": dt.datetime.now(TZ).isoformat()}
    try:
        atomic.write_text(Path(out_dir) / LOCK_OWNER, json.dumps(info, ensure_ascii=False))
    except (OSError, BroadcastError):
        pass  # only a courtesy to the next run (a full disk is reported by the real work)


def _wait_for_lock(lock: FileLock, timeout: float) -> None:
    """Block until ``lock`` is ours (a named point where tests stand in for a wait)."""
    lock.acquire(timeout=timeout)


@contextmanager
def output_lock(out_dir: Path, timeout: float = 600, doing: str = "") -> Iterator[None]:
    """Hold the output folder's lock: one writer at a time (build, prune, emergency).

    When another run holds it, say so at once (who, since when) and wait; Ctrl+C while
    waiting stops cleanly (StoppedByUser, exit 130), nothing written. Waiting longer
    than ``timeout`` becomes a LockBusyError that says what to do.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(Path(out_dir) / LOCK_NAME), timeout=timeout)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = _owner_text(out_dir)
        log.warning(
            "Một lần chạy khác đang ghi vào %s (%s); đang đợi nó xong (tối đa %.0f giây, "
            "Ctrl+C để thôi đợi)...",
            out_dir,
            who,
            timeout,
        )
        try:
            _wait_for_lock(lock, timeout)
        except Timeout:
            raise LockBusyError(
                f"Một lần chạy khác ({who}) đang ghi vào {out_dir} quá {timeout:.0f} giây{doing}",
                where=str(Path(out_dir) / LOCK_NAME),
                fix="đợi lần chạy kia xong rồi chạy lại; nếu không còn lần chạy nào, xóa tệp "
                "khóa này",
            ) from None
        except KeyboardInterrupt:
            raise StoppedByUser(
                f"Đã thôi đợi lần chạy kia ({who}); chưa ghi gì vào {out_dir}",
                where=str(Path(out_dir) / LOCK_NAME),
                fix="chạy lại lệnh khi lần chạy kia xong",
            ) from None
    try:
        _write_owner(out_dir)
        yield
    finally:
        try:
            (Path(out_dir) / LOCK_OWNER).unlink(missing_ok=True)
        except OSError:
            pass
        lock.release()
