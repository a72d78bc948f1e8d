"""One daemon per output folder.

Two ``broadcast run`` on one output (systemd plus one started by hand) split sessions
between them and play at once. ``run`` therefore holds an exclusive ``flock`` on
``OUT/daemon/run.lock`` for its whole life, and writes who holds it (pid, host, since
when) into the file, so the second one can say so. The kernel drops the lock when the
process dies, however it dies: there is never a stale lock to delete by hand.

This is not the build lock (``OUT/.broadcast.lock``): the daemon builds under that one
too, a few minutes a day, while ``broadcast build`` may still run by hand.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
from pathlib import Path

from ..errors import LockBusyError

LOCK_NAME = Path("daemon") / "run.lock"


class DaemonLock:
    """``with DaemonLock(out):`` or :meth:`acquire` / :meth:`release`."""

    def __init__(self, out_dir: Path) -> None:
        self.path = Path(out_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, now: dt.datetime | None = None) -> None:
        """Take the lock or raise :class:`LockBusyError` saying who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(os.pread(fd, 4096, 0))
            os.close(fd)
            raise LockBusyError(
                f"Đã có một 'broadcast run' đang phát cho thư mục này ({holder})",
                where=str(self.path),
                fix="mỗi thư mục đầu ra chỉ chạy một 'broadcast run'; dừng bản kia trước "
                "(systemctl stop …, hoặc kill PID) hoặc dùng --out khác",
            ) from None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> DaemonLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _describe(raw: bytes) -> str:
    try:
        info = json.loads(raw.decode("utf-8"))
        since = dt.datetime.fromisoformat(info["since"])
        return f"PID {info['pid']} trên máy {info.get('host', '?')}, từ {since:%H:%M:%S %d/%m/%Y}"
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return "không rõ PID"
