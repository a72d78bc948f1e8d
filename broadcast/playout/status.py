"""What ``broadcast run`` is doing, per station, in one small JSON file anyone can read.

The console's "Đang phát" page, ``broadcast status`` and a monitoring system all need
the same answers: is the daemon alive, what is on air now at each station, what comes
next, what played last, what failed last. The daemon writes them to
``OUT/daemon/status.json`` (atomically, so a reader never sees half a file) whenever
something changes, and at least every :data:`HEARTBEAT_S` seconds (the heartbeat). A
reader that finds a heartbeat older than :data:`STALE_S` seconds says the daemon does
not answer, whatever the file says it was doing.

The file (``"schema": 1``; keys are only ever added)::

    {"schema": 1, "pid", "host", "started", "heartbeat", "stopped",
     "error": {"at", "text"} | null,
     "stations": {ID: {"name", "on_air": {"title", "kind", "slot", "day", "start",
                                          "seconds", "file"} | null,
                       "next": {"at", "slot", "title"} | null,
                       "last": {"title", "result", "start", "end", "aired_s", "note"} | null,
                       "error": {"at", "text"} | null}}}
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import atomic

log = logging.getLogger(__name__)

STATUS = Path("daemon") / "status.json"
SCHEMA = 1
#: the daemon rewrites its status at least this often
HEARTBEAT_S = 5.0
#: a heartbeat older than this: the daemon does not answer (stopped, hung, killed)
STALE_S = 30.0


def status_path(out_dir: Path) -> Path:
    return Path(out_dir) / STATUS


class StatusBoard:
    """The daemon's side: keeps the record in memory, writes it on every change."""

    def __init__(self, out_dir: Path, clock: Callable[[], dt.datetime]) -> None:
        self.path = status_path(out_dir)
        self.clock = clock
        self._lock = threading.Lock()
        self._failed_write = False
        now = clock().isoformat(timespec="seconds")
        self.doc: dict[str, Any] = {
            "schema": SCHEMA,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": now,
            "heartbeat": now,
            "stopped": None,
            "error": None,
            "stations": {},
        }

    def _station(self, sid: str) -> dict[str, Any]:
        return self.doc["stations"].setdefault(
            sid, {"name": sid, "on_air": None, "next": None, "last": None, "error": None}
        )

    def _write(self) -> None:
        self.doc["heartbeat"] = self.clock().isoformat(timespec="seconds")
        text = json.dumps(self.doc, ensure_ascii=False, indent=1) + "\n"
        try:
            atomic.write_text(self.path, text)
            self._failed_write = False
        except Exception as exc:  # noqa: BLE001 - a full disk must not stop playout
            if not self._failed_write:
                log.warning("Không ghi được trạng thái phát %s: %s", self.path, exc)
            self._failed_write = True

    def heartbeat(self) -> None:
        with self._lock:
            self._write()

    def names(self, names: dict[str, str]) -> None:
        with self._lock:
            for sid, name in names.items():
                self._station(sid)["name"] = name
            self._write()

    def on_air(
        self,
        sid: str,
        title: str,
        kind: str,
        slot: str,
        day: str,
        start: dt.datetime,
        seconds: float,
        file: str,
    ) -> None:
        with self._lock:
            self._station(sid)["on_air"] = {
                "title": title,
                "kind": kind,
                "slot": slot,
                "day": day,
                "start": start.isoformat(timespec="seconds"),
                "seconds": round(seconds, 1),
                "file": file,
            }
            self._write()

    def finished(
        self,
        sid: str,
        title: str,
        result: str,
        start: dt.datetime,
        end: dt.datetime,
        note: str = "",
    ) -> None:
        with self._lock:
            st = self._station(sid)
            st["on_air"] = None
            st["last"] = {
                "title": title,
                "result": result,
                "start": start.isoformat(timespec="seconds"),
                "end": end.isoformat(timespec="seconds"),
                "aired_s": round(max(0.0, (end - start).total_seconds()), 1),
                "note": note,
            }
            self._write()

    def error(self, sid: str | None, text: str) -> None:
        """The last problem of a station (or of the daemon, ``sid`` None)."""
        with self._lock:
            entry = {"at": self.clock().isoformat(timespec="seconds"), "text": text}
            if sid is None:
                self.doc["error"] = entry
            else:
                self._station(sid)["error"] = entry
            self._write()

    def next_up(self, upcoming: dict[str, dict[str, str] | None]) -> None:
        with self._lock:
            for sid, nxt in upcoming.items():
                self._station(sid)["next"] = nxt
            self._write()

    def stopped(self) -> None:
        with self._lock:
            self.doc["stopped"] = self.clock().isoformat(timespec="seconds")
            for st in self.doc["stations"].values():
                st["on_air"] = None
            self._write()


@dataclass(frozen=True)
class DaemonStatus:
    """What a reader makes of the status file."""

    doc: dict[str, Any]
    heartbeat: dt.datetime | None
    age_s: float | None
    #: True only when the heartbeat is fresh and the daemon did not say it stopped
    alive: bool
    #: why it is not alive (Vietnamese), "" when alive
    why: str

    @property
    def stations(self) -> dict[str, dict[str, Any]]:
        raw = self.doc.get("stations")
        return raw if isinstance(raw, dict) else {}


def read_status(out_dir: Path, now: dt.datetime, stale_s: float = STALE_S) -> DaemonStatus:
    """The daemon's status as of ``now`` (aware); never raises for a bad or missing file."""
    path = status_path(out_dir)
    try:
        doc = json.loads(path.read_text("utf-8"))
        if not isinstance(doc, dict):
            raise ValueError("không phải đối tượng JSON")
    except FileNotFoundError:
        return DaemonStatus(
            {}, None, None, False, "chưa có 'broadcast run' nào chạy cho thư mục này"
        )
    except (OSError, ValueError) as exc:
        return DaemonStatus({}, None, None, False, f"tệp trạng thái {path.name} hỏng ({exc})")
    try:
        beat = dt.datetime.fromisoformat(str(doc.get("heartbeat")))
        if beat.tzinfo is None:
            beat = beat.astimezone()
    except ValueError:
        return DaemonStatus(doc, None, None, False, "tệp trạng thái không có giờ báo sống")
    age = (now - beat).total_seconds()
    if doc.get("stopped"):
        return DaemonStatus(doc, beat, age, False, "'broadcast run' đã dừng")
    if age > stale_s:
        return DaemonStatus(
            doc, beat, age, False, f"'broadcast run' không trả lời đã {duration_words(age)}"
        )
    return DaemonStatus(doc, beat, age, True, "")


def duration_words(seconds: float) -> str:
    """``125`` -> "2 phút 5 giây" (what an officer reads, not "125.0 s")."""
    s = max(0, int(round(seconds)))
    d, s = divmod(s, 86400)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    parts = [f"{d} ngày"] * bool(d) + [f"{h} giờ"] * bool(h) + [f"{m} phút"] * bool(m)
    if s or not parts:
        parts.append(f"{s} giây")
    return " ".join(parts[:2])


RESULT_WORDS = {
    "played": "đã phát",
    "failed": "phát lỗi",
    "skipped": "bỏ qua",
}


def _when(text: Any) -> str:
    try:
        return f"{dt.datetime.fromisoformat(str(text)):%H:%M:%S %d/%m/%Y}"
    except ValueError:
        return str(text)


def describe(status: DaemonStatus) -> list[str]:
    """The status in Vietnamese, one line per fact (``broadcast status``)."""
    doc = status.doc
    lines = []
    if status.alive:
        lines.append(
            f"'broadcast run' đang chạy (PID {doc.get('pid')} trên máy {doc.get('host')}, "
            f"từ {_when(doc.get('started'))}); báo sống {duration_words(status.age_s or 0)} trước."
        )
    else:
        lines.append(f"KHÔNG có 'broadcast run' trả lời: {status.why}.")
        if status.heartbeat is not None:
            lines.append(f"  Lần báo sống cuối: {_when(doc.get('heartbeat'))}.")
    if isinstance(doc.get("error"), dict):
        lines.append(
            f"  Lỗi gần nhất: {doc['error'].get('text')} ({_when(doc['error'].get('at'))})"
        )
    for sid, st in sorted(status.stations.items()):
        lines.append(f"Đài {st.get('name') or sid} ({sid}):")
        on = st.get("on_air") if status.alive else None
        if on:
            lines.append(
                f"  Đang phát: {on.get('title')} (từ {_when(on.get('start'))}, "
                f"dài {duration_words(float(on.get('seconds') or 0))})"
            )
        else:
            lines.append("  Đang phát: không")
        nxt = st.get("next")
        lines.append(
            f"  Tiếp theo: {nxt.get('title')} lúc {_when(nxt.get('at'))}"
            if nxt
            else "  Tiếp theo: chưa có buổi nào"
        )
        last = st.get("last")
        if last:
            note = f"; {last['note']}" if last.get("note") else ""
            lines.append(
                f"  Vừa phát: {last.get('title')} — {RESULT_WORDS.get(last.get('result'), last.get('result'))}, "
                f"{duration_words(float(last.get('aired_s') or 0))} lúc {_when(last.get('start'))}{note}"
            )
        err = st.get("error")
        if err:
            lines.append(f"  Lỗi gần nhất: {err.get('text')} ({_when(err.get('at'))})")
    return lines
