"""``broadcast run``: the unattended playout daemon (APScheduler 3.x).

What it does, all in Asia/Ho_Chi_Minh:

- **Build ahead.** At start and every day at ``build_at`` (by default one hour before the
  earliest window of any station), it builds today's and tomorrow's playlists (the same
  code as ``broadcast build``, under the same lock) and schedules their sessions.
- **Play each session.** One job per station and session (``session:STATION:DAY:HHMM``)
  runs the player command (``auto``: ffplay, mpv or cvlc if installed, else the bundled
  ffmpeg; or e.g. ``mpv --no-video {file}``, ``{station}`` replaced too) for each entry of the
  session in the JSON running order, one after the other, and records each bulletin in
  the as-run log (``broadcast.report.asrun``).
- **Emergencies.** Every ``poll_s`` seconds it reads the emergency queue; a new entry is
  played on its stations right after the bulletin now playing (a bulletin is never cut),
  or at once with ``now`` (the player of that station is stopped first).

Restarts neither skip nor double a slot:

- Jobs live in a SQLAlchemy job store (``OUT/daemon/jobs.sqlite``), so a restart finds
  the day's sessions still scheduled.
- Every entry played (or started) is written to a ledger (``OUT/daemon/ledger.sqlite``)
  *before* the player starts. A session job skips the entries already in the ledger, so
  a session that is rescheduled or rerun after a crash continues where it stopped and
  never plays an entry twice (an entry cut by the crash is recorded as failed).
- **Misfire grace.** A session job that could not run at its time (the machine was off)
  still runs when the daemon comes back before the end of the session's window (or,
  without a window, within ``grace_s`` of the planned end). Entries that can no longer
  end inside the window are not played and are recorded as ``skipped``; a session missed
  entirely is recorded as ``skipped`` too. Nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shlex
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..audio.ffmpeg import ffmpeg_exe
from ..report.asrun import AsRunLog, asrun_path
from .emergency import load_queue
from .model import TIMEZONE

log = logging.getLogger(__name__)
TZ = ZoneInfo(TIMEZONE)
#: Without a window, a late session may still start this long after its planned end.
DEFAULT_GRACE_S = 15 * 60
#: An emergency queued more than this long ago is not played any more (recorded skipped).
EMERGENCY_MAX_AGE = dt.timedelta(hours=6)
#: what plays a file when no --player is given: the first of these found on this machine;
#: the last needs nothing installed (the ffmpeg from imageio-ffmpeg, to PulseAudio/PipeWire)
PLAYERS = (
    ("ffplay", "ffplay -nodisp -autoexit -loglevel error {file}"),
    ("mpv", "mpv --no-video --really-quiet {file}"),
    ("cvlc", "cvlc --play-and-exit --quiet {file}"),
)
BUNDLED_PLAYER = "{ffmpeg} -nostdin -loglevel error -re -i {file} -f pulse default"


def default_player() -> str:
    for program, command in PLAYERS:
        if shutil.which(program):
            return command
    return BUNDLED_PLAYER


DEFAULT_PLAYER = "auto"

_DAEMONS: dict[str, Daemon] = {}


def now() -> dt.datetime:
    return dt.datetime.now(TZ)


class Ledger:
    """What the daemon has started: one row per (day, station, session, entry)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with closing(self._connect()) as con, con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS entries (day TEXT, station TEXT, slot TEXT, "
                "seq INTEGER, file TEXT, result TEXT, at TEXT, "
                "PRIMARY KEY (day, station, slot, seq))"
            )

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        return con

    def claim(
        self, day: str, station: str, slot: str, seq: int, file: str, result: str = "playing"
    ) -> bool:
        """Record an entry before it airs; False if it was already there (never twice)."""
        with self._lock, closing(self._connect()) as con, con:
            cur = con.execute(
                "INSERT OR IGNORE INTO entries VALUES (?,?,?,?,?,?,?)",
                (day, station, slot, seq, file, result, now().isoformat()),
            )
            return cur.rowcount == 1

    def finish(self, day: str, station: str, slot: str, seq: int, result: str) -> None:
        with self._lock, closing(self._connect()) as con, con:
            con.execute(
                "UPDATE entries SET result=? WHERE day=? AND station=? AND slot=? AND seq=?",
                (result, day, station, slot, seq),
            )

    def done(self, day: str, station: str, slot: str) -> set[int]:
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT seq FROM entries WHERE day=? AND station=? AND slot=?", (day, station, slot)
            ).fetchall()
        return {r[0] for r in rows}

    def interrupted(self) -> list[tuple[str, str, str, int]]:
        """Entries started but never finished (the daemon died while they played)."""
        with closing(self._connect()) as con:
            return con.execute(
                "SELECT day, station, slot, seq FROM entries WHERE result='playing'"
            ).fetchall()

    def rows(self) -> list[tuple[Any, ...]]:
        with closing(self._connect()) as con:
            return con.execute("SELECT * FROM entries ORDER BY day, station, slot, seq").fetchall()


def _job_session(key: str, station: str, day: str, slot: str) -> None:
    """Job entry point (a module-level function: jobs are pickled into the job store)."""
    _DAEMONS[key].run_session(station, day, slot)


def _job_build(key: str) -> None:
    _DAEMONS[key].build_ahead()


def _job_poll(key: str) -> None:
    _DAEMONS[key].poll_emergencies()


class Daemon:
    """The playout daemon for one output folder."""

    def __init__(
        self,
        out_dir: Path,
        player: str = DEFAULT_PLAYER,
        build: Callable[[dt.date], None] | None = None,
        asrun: AsRunLog | None = None,
        build_at: dt.time | None = None,
        poll_s: float = 5.0,
        grace_s: float = DEFAULT_GRACE_S,
        blocking: bool = False,
    ) -> None:
        self.out = Path(out_dir).resolve()
        self.player = player
        self._build = build
        self.poll_s = poll_s
        self.grace_s = grace_s
        self.build_at = build_at or dt.time(4, 30)
        self.key = str(self.out)
        state = self.out / "daemon"
        state.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(state / "ledger.sqlite")
        self._asrun = asrun
        self._station_locks: dict[str, threading.Lock] = {}
        self._current: dict[str, subprocess.Popen[bytes]] = {}
        self._guard = threading.Lock()
        self._emergency_threads: dict[str, threading.Thread] = {}
        self.scheduler = self._make_scheduler(state / "jobs.sqlite", blocking)

    # -- set-up ---------------------------------------------------------------------
    def _make_scheduler(self, db: Path, blocking: bool):  # type: ignore[no-untyped-def]
        from apscheduler.events import EVENT_JOB_MISSED
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.jobstores.memory import MemoryJobStore
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.schedulers.blocking import BlockingScheduler

        cls = BlockingScheduler if blocking else BackgroundScheduler
        sched = cls(
            jobstores={
                "default": SQLAlchemyJobStore(url=f"sqlite:///{db}"),
                "memory": MemoryJobStore(),
            },
            executors={"default": ThreadPoolExecutor(32)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=TZ,
        )
        sched.add_listener(self._on_missed, EVENT_JOB_MISSED)
        return sched

    @property
    def asrun(self) -> AsRunLog:
        if self._asrun is None:
            self._asrun = AsRunLog(asrun_path(self.out))
        return self._asrun

    def start(self, build_now: bool = True) -> None:
        """Register with the scheduler, schedule today and tomorrow, start (blocks if
        the scheduler is a BlockingScheduler)."""
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        _DAEMONS[self.key] = self
        self._close_interrupted()
        self.scheduler.add_job(
            "broadcast.schedule.daemon:_job_build",
            CronTrigger(hour=self.build_at.hour, minute=self.build_at.minute, timezone=TZ),
            args=[self.key],
            id="build-ahead",
            replace_existing=True,
            misfire_grace_time=6 * 3600,
        )
        self.scheduler.add_job(
            "broadcast.schedule.daemon:_job_poll",
            IntervalTrigger(seconds=self.poll_s),
            args=[self.key],
            id="emergency-poll",
            jobstore="memory",
            replace_existing=True,
        )
        if self._build is not None and build_now:
            self.build_ahead()
        else:
            self.schedule_days()
        self.scheduler.start()

    def shutdown(self, wait: bool = True) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        _DAEMONS.pop(self.key, None)

    def _close_interrupted(self) -> None:
        """Entries cut by a crash or a stop: recorded as failed, never replayed."""
        for day, sid, slot, seq in self.ledger.interrupted():
            self.ledger.finish(day, sid, slot, seq, "failed")
            if slot.startswith("emergency:"):
                continue
            doc = self._running_orders(dt.date.fromisoformat(day)).get(sid)
            items = self._sessions(doc).get(slot, []) if doc else []
            if seq < len(items):
                self._record(
                    sid,
                    day,
                    slot,
                    items[seq],
                    doc or {},
                    now(),
                    None,
                    "failed",
                    "bị ngắt khi trình phát dừng; không phát lại",
                )

    def build_ahead(self) -> None:
        today = now().date()
        for day in (today, today + dt.timedelta(days=1)):
            if self._build is not None:
                try:
                    self._build(day)
                except Exception as exc:  # noqa: BLE001 - a failed build must not stop playout
                    log.warning(
                        "Không làm được danh sách phát ngày %s: %s; vẫn phát theo danh sách đã có",
                        day,
                        exc,
                    )
        self.schedule_days()

    # -- sessions ------------------------------------------------------------------
    def _running_orders(self, day: dt.date) -> dict[str, dict[str, Any]]:
        folder = self.out / "playlists" / day.isoformat()
        out: dict[str, dict[str, Any]] = {}
        for path in sorted(folder.glob("*.json")):
            try:
                doc = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            doc["_path"] = path
            out[doc["station"]["id"]] = doc
        return out

    @staticmethod
    def _sessions(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for item in doc["items"]:
            out.setdefault(item["slot"], []).append(item)
        return out

    def _deadline(self, items: list[dict[str, Any]], day: dt.date) -> dt.datetime:
        """Latest time an entry of this session may still end."""
        window = items[0].get("window")
        if window:
            end = dt.time.fromisoformat(window.split("-")[1])
            return dt.datetime.combine(day, end, tzinfo=TZ)
        return dt.datetime.fromisoformat(items[-1]["end"]) + dt.timedelta(seconds=self.grace_s)

    def schedule_days(self, days: list[dt.date] | None = None) -> int:
        """Add (or refresh) one job per session still to air; returns how many."""
        from apscheduler.triggers.date import DateTrigger

        today = now().date()
        count = 0
        for day in days or [today, today + dt.timedelta(days=1)]:
            for sid, doc in self._running_orders(day).items():
                for slot, items in self._sessions(doc).items():
                    start = dt.datetime.combine(day, dt.time.fromisoformat(slot), tzinfo=TZ)
                    deadline = self._deadline(items, day)
                    done = self.ledger.done(day.isoformat(), sid, slot)
                    if len(done) >= len(items):
                        continue
                    grace = max(1, int((deadline - start).total_seconds()))
                    self.scheduler.add_job(
                        "broadcast.schedule.daemon:_job_session",
                        DateTrigger(start, TZ),
                        args=[self.key, sid, day.isoformat(), slot],
                        id=f"session:{sid}:{day.isoformat()}:{slot}",
                        replace_existing=True,
                        misfire_grace_time=grace,
                    )
                    count += 1
        return count

    def _on_missed(self, event: Any) -> None:
        if not str(event.job_id).startswith("session:"):
            return
        _, sid, day, slot = str(event.job_id).split(":", 3)
        self._skip_rest(sid, day, slot, "máy không chạy vào giờ phát (quá thời gian cho phép)")

    def _skip_rest(self, sid: str, day: str, slot: str, why: str) -> None:
        doc = self._running_orders(dt.date.fromisoformat(day)).get(sid)
        if doc is None:
            return
        skipped = 0
        for seq, item in enumerate(self._sessions(doc).get(slot, [])):
            if self.ledger.claim(day, sid, slot, seq, item["file"], "skipped"):
                self._record(sid, day, slot, item, doc, now(), None, "skipped", why)
                skipped += 1
        if skipped:
            log.warning(
                "đài %s, buổi %s ngày %s: %d mục ghi 'bỏ qua' vào nhật ký phát sóng (%s)",
                sid,
                slot,
                dt.date.fromisoformat(day).strftime("%d/%m/%Y"),
                skipped,
                why,
            )

    def _lock_for(self, sid: str) -> threading.Lock:
        with self._guard:
            return self._station_locks.setdefault(sid, threading.Lock())

    def _record(
        self,
        sid: str,
        day: str,
        slot: str,
        item: dict[str, Any],
        doc: dict[str, Any],
        start: dt.datetime,
        end: dt.datetime | None,
        result: str,
        note: str = "",
    ) -> None:
        if item.get("kind", "bulletin") != "bulletin":
            return  # jingles are not bulletins: the as-run log counts bulletins
        try:
            self.asrun.record_play(
                station_id=sid,
                day=dt.date.fromisoformat(day),
                slot=slot,
                script_id=item["script"],
                source=item["source"],
                directive=item["directive"],
                file=item["file"],
                title=item["title"],
                start=start,
                end=end,
                result=result,
                note=note,
            )
        except Exception as exc:  # noqa: BLE001 - playout goes on; the problem is logged
            log.warning("Không ghi được nhật ký phát sóng: %s", exc)

    def _play(self, sid: str, path: Path) -> tuple[bool, dt.datetime, dt.datetime]:
        template = default_player() if self.player == DEFAULT_PLAYER else self.player
        cmd = [
            part.format(file=str(path), station=sid, ffmpeg=ffmpeg_exe())
            for part in shlex.split(template)
        ]
        start = now()
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        except OSError as exc:
            log.warning("Không chạy được trình phát '%s': %s", self.player, exc)
            return False, start, now()
        self._current[sid] = proc
        try:
            rc = proc.wait()
        finally:
            self._current.pop(sid, None)
        return rc == 0, start, now()

    def run_session(self, sid: str, day: str, slot: str) -> None:
        doc = self._running_orders(dt.date.fromisoformat(day)).get(sid)
        if doc is None:
            log.warning("Không thấy danh sách phát ngày %s của đài %s", day, sid)
            return
        items = self._sessions(doc).get(slot, [])
        deadline = self._deadline(items, dt.date.fromisoformat(day))
        base = doc["_path"].parent
        for seq, item in enumerate(items):
            self.play_emergencies(sid)
            remaining = float(item.get("duration_s", 0.0))
            if now() + dt.timedelta(seconds=remaining) > deadline:
                if self.ledger.claim(day, sid, slot, seq, item["file"], "skipped"):
                    self._record(
                        sid, day, slot, item, doc, now(), None, "skipped", "hết khung giờ phát"
                    )
                continue
            if not self.ledger.claim(day, sid, slot, seq, item["file"]):
                continue  # already played (or started before a crash): never twice
            with self._lock_for(sid):
                ok, start, end = self._play(sid, (base / item["file"]).resolve())
            result = "played" if ok else "failed"
            self.ledger.finish(day, sid, slot, seq, result)
            self._record(sid, day, slot, item, doc, start, end, result)
        self.play_emergencies(sid)

    # -- emergencies ------------------------------------------------------------------
    def poll_emergencies(self) -> None:
        current = now()
        for q in load_queue(self.out, since=current - dt.timedelta(days=1)):
            for sid in q.stations:
                if sid not in q.files:
                    continue
                slot = "emergency:" + q.id
                if self.ledger.done(q.created.date().isoformat(), sid, slot):
                    continue
                if current - q.created > EMERGENCY_MAX_AGE:
                    self._emergency_entry(q, sid, play=False)
                    continue
                if q.now:
                    proc = self._current.get(sid)
                    if proc is not None and proc.poll() is None:
                        proc.terminate()
                with self._guard:
                    running = self._emergency_threads.get(sid)
                    if running is not None and running.is_alive():
                        continue
                    t = threading.Thread(
                        target=self.play_emergencies,
                        args=(sid,),
                        name=f"emergency-{sid}",
                        daemon=True,
                    )
                    self._emergency_threads[sid] = t
                    t.start()

    def play_emergencies(self, sid: str) -> None:
        """Play every queued emergency for ``sid`` not yet aired (waits for the bulletin now
        playing on that station to end, unless the entry was queued with ``now``)."""
        current = now()
        for q in load_queue(self.out, since=current - dt.timedelta(days=1)):
            if sid in q.stations and sid in q.files:
                if current - q.created <= EMERGENCY_MAX_AGE:
                    self._emergency_entry(q, sid, play=True)

    def _emergency_entry(self, q: Any, sid: str, play: bool) -> None:
        day = q.created.date().isoformat()
        slot = "emergency:" + q.id
        item = {
            "kind": "bulletin",
            "script": q.script_id,
            "source": q.id,
            "directive": q.directive,
            "file": q.files[sid],
            "title": q.title,
        }
        if not play:
            if self.ledger.claim(day, sid, slot, 0, q.files[sid], "skipped"):
                self._record(
                    sid,
                    day,
                    slot,
                    item,
                    {},
                    now(),
                    None,
                    "skipped",
                    "bản tin khẩn cấp đã quá cũ khi máy chạy lại",
                )
            return
        with self._lock_for(sid):
            if not self.ledger.claim(day, sid, slot, 0, q.files[sid]):
                return
            ok, start, end = self._play(sid, self.out / q.files[sid])
        result = "played" if ok else "failed"
        self.ledger.finish(day, sid, slot, 0, result)
        self._record(sid, day, start.strftime("%H:%M"), item, {}, start, end, result, "khẩn cấp")
