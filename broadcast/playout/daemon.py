"""``broadcast run``: the unattended playout daemon (APScheduler 3.x).

What it does, all in Asia/Ho_Chi_Minh:

- **One per output.** It holds ``OUT/daemon/run.lock`` (:mod:`broadcast.playout.lock`)
  while it runs; a second ``run`` on the same output stops with exit code 4 and says who
  holds it. On start it stops any player a killed daemon left playing
  (:mod:`broadcast.playout.player`); on exit it stops its own.
- **Build ahead.** At start and every day at ``build_at`` (by default one hour before the
  earliest window of any station), it builds today's and tomorrow's playlists (the same
  code as ``broadcast build``, under the same lock) and schedules their sessions.
- **Play each session.** One job per station and session (``session:STATION:DAY:HHMM``)
  runs the player command (``auto``: ffplay, mpv or cvlc if installed, else the bundled
  ffmpeg; or e.g. ``mpv --no-video {file}``, ``{station}`` replaced too) for each entry of the
  session in the JSON running order (read with :mod:`broadcast.playlists.running_order`;
  one it cannot read is logged with its file and fix, and counted in ``unreadable``), one
  after the other, prints one line per entry it starts (logger ``broadcast.playout.onair``)
  and records each bulletin in the as-run log (``broadcast.report.asrun``).
- **Emergencies.** A watcher looks at the emergency queue file every ``poll_s`` seconds (a
  ``stat``; the file is read only when it changed), so a new entry is seen within
  ``poll_s``. Each station follows the entry's policy (``stations.yaml``:
  ``emergency: {interrupt, after}``, copied into the queue by ``broadcast emergency``):
  ``interrupt: now`` fades the player out (``fade_s``) and plays the emergency at once;
  ``after_item`` waits for the entry now playing. Then ``after: resume`` plays the cut
  entry again from its start and goes on with the session; ``drop`` records the rest of
  the session as skipped. The cut entry is recorded in the as-run log as ``failed`` with
  the note "bị ngắt …" and the time the player really stopped.

Restarts neither skip nor double a slot:

- Jobs live in a SQLAlchemy job store (``OUT/daemon/jobs.sqlite``), so a restart finds
  the day's sessions still scheduled.
- Every entry played (or started) is written to a ledger (``OUT/daemon/ledger.sqlite``)
  *before* the player starts. A session job skips the entries already in the ledger, so
  a session that is rescheduled or rerun after a crash continues where it stopped and
  never plays an entry twice (an entry cut by the crash is recorded as failed; only an
  entry cut by an emergency with ``after: resume`` is played again).
- **Misfire grace.** A session job that could not run at its time (the machine was off)
  still runs when the daemon comes back before the end of the session's window (or,
  without a window, within ``grace_s`` of the planned end). Entries that can no longer
  end inside the window are not played and are recorded as ``skipped``; a session missed
  entirely is recorded as ``skipped`` too. Nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import closing
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..emergency.queue import load_queue, queue_path
from ..files import digest, faults
from ..playlists.running_order import (
    Item,
    RunningOrder,
    RunningOrderError,
    kind_label,
    read_running_order,
)
from ..report.asrun import AsRunDiskFullError, AsRunLog, asrun_path, is_disk_full
from ..schedule.planner import QueuedBulletin
from ..vocabulary import TIMEZONE
from . import player as players
from .lock import DaemonLock
from .player import (  # noqa: F401  (re-exported: older imports keep working)
    BUNDLED_PLAYER,
    DEFAULT_FADE_S,
    DEFAULT_PLAYER,
    PLAYERS,
    PlayerProcess,
    default_player,
)
from .status import HEARTBEAT_S, StatusBoard

log = logging.getLogger(__name__)

# This module was broadcast.schedule.daemon; job stores written before the move name their
# functions there ("broadcast.schedule.daemon:_job_session"). The daemon that reads such a
# store has this module loaded, so the old name finds it without a module importing back.
sys.modules.setdefault("broadcast.schedule.daemon", sys.modules[__name__])
#: one line per entry the daemon starts: ``run`` shows this logger at its default level
onair = logging.getLogger("broadcast.playout.onair")
TZ = ZoneInfo(TIMEZONE)
#: Without a window, a late session may still start this long after its planned end.
DEFAULT_GRACE_S = 15 * 60
#: An emergency queued more than this long ago is not played any more (recorded skipped).
EMERGENCY_MAX_AGE = dt.timedelta(hours=6)
#: How often the emergency queue file is looked at (a stat; read only when it changed).
DEFAULT_POLL_S = 0.25
#: What a station does for an emergency when its queue entry says nothing (older queues).
DEFAULT_POLICY = {"interrupt": "after_item", "after": "resume"}
#: The as-run note of a playlist's copy of a queued emergency (played from the queue).
ALREADY_AIRED = "bản tin khẩn cấp đã phát từ hàng đợi khi nhận, không phát lại theo danh sách"
#: The as-run note of an entry an emergency cut (the report counts these as interrupted).
INTERRUPTED = "bị ngắt"
#: ``played`` only when at least this share of the item aired; less is ``failed``
MIN_AIRED = 0.95
#: a player still running this long past its item's length (x 1.2) is hung: stopped
HANG_MARGIN_S = 30.0
#: how often the watcher looks at today's and tomorrow's playlist folders (two stats)
PLAYLIST_POLL_S = 1.0

_DAEMONS: dict[str, Daemon] = {}


def now() -> dt.datetime:
    return dt.datetime.now(TZ)


class Ledger:
    """What the daemon has started: one row per (day, station, session, entry)."""

    def __init__(self, path: Path, clock: Callable[[], dt.datetime] = now) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self._lock = threading.Lock()
        self._memory: set[tuple[str, str, str, int]] = set()
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
        """Record an entry before it airs; False if it was already there (never twice).

        On a full disk the entry is kept in memory instead (said in the log): playout goes
        on, and this daemon still never plays it twice."""
        key = (day, station, slot, seq)
        with self._lock:
            if key in self._memory:
                return False
            try:
                faults.hit("ledger.write")
                with closing(self._connect()) as con, con:
                    cur = con.execute(
                        "INSERT OR IGNORE INTO entries VALUES (?,?,?,?,?,?,?)",
                        (day, station, slot, seq, file, result, self.clock().isoformat()),
                    )
                    return cur.rowcount == 1
            except (sqlite3.OperationalError, OSError) as exc:
                if not is_disk_full(exc):
                    raise
                log.error(
                    "Ổ đĩa đầy: không ghi được sổ phát %s (%s); vẫn phát, nhớ tạm trong máy. "
                    "Giải phóng chỗ trống trên ổ này.",
                    self.path,
                    exc,
                )
                self._memory.add(key)
                return True

    def reclaim(self, day: str, station: str, slot: str, seq: int) -> bool:
        """Claim again an entry an emergency cut (``after: resume``); False otherwise."""
        with self._lock, closing(self._connect()) as con, con:
            cur = con.execute(
                "UPDATE entries SET result='playing', at=? WHERE day=? AND station=? AND slot=? "
                "AND seq=? AND result='interrupted'",
                (self.clock().isoformat(), day, station, slot, seq),
            )
            return cur.rowcount == 1

    def finish(self, day: str, station: str, slot: str, seq: int, result: str) -> None:
        try:
            faults.hit("ledger.write")
            with self._lock, closing(self._connect()) as con, con:
                con.execute(
                    "UPDATE entries SET result=? WHERE day=? AND station=? AND slot=? AND seq=?",
                    (result, day, station, slot, seq),
                )
        except (sqlite3.OperationalError, OSError) as exc:
            if not is_disk_full(exc):
                raise
            log.error("Ổ đĩa đầy: không ghi được kết quả vào sổ phát %s (%s)", self.path, exc)

    def done(self, day: str, station: str, slot: str) -> set[int]:
        """Entries that will not be played (again): all but those cut to be resumed."""
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT seq FROM entries WHERE day=? AND station=? AND slot=? "
                "AND result != 'interrupted'",
                (day, station, slot),
            ).fetchall()
        held = {k[3] for k in self._memory if k[:3] == (day, station, slot)}
        return {r[0] for r in rows} | held

    def interrupted(self) -> list[tuple[str, str, str, int]]:
        """Entries started but never finished (the daemon died while they played)."""
        with closing(self._connect()) as con:
            return con.execute(
                "SELECT day, station, slot, seq FROM entries WHERE result='playing'"
            ).fetchall()

    def rows(self) -> list[tuple[Any, ...]]:
        with closing(self._connect()) as con:
            return con.execute("SELECT * FROM entries ORDER BY day, station, slot, seq").fetchall()


def _end_of(
    p: PlayerProcess | None, start: dt.datetime, clock: Callable[[], dt.datetime]
) -> dt.datetime:
    """When the play ended, for the as-run log: its start plus what really aired (the
    monotonic clock), so a wall-clock jump mid-item logs neither hours nor less than 0."""
    if p is not None and p.aired_s is not None:
        return start + dt.timedelta(seconds=p.aired_s)
    return clock() if p is None or p.ended_at is None else p.ended_at


def _job_session(key: str, station: str, day: str, slot: str) -> None:
    """Job entry point (a module-level function: jobs are pickled into the job store)."""
    daemon = _DAEMONS.get(key)
    if daemon is not None:  # a job fired while its daemon shuts down: nothing to do
        daemon.run_session(station, day, slot)


def _job_build(key: str) -> None:
    daemon = _DAEMONS.get(key)
    if daemon is not None:
        daemon.build_ahead()


def _job_poll(key: str) -> None:
    """Kept for job stores written before the watcher thread (it polls by itself now)."""


class Daemon:
    """The playout daemon for one output folder."""

    def __init__(
        self,
        out_dir: Path,
        player: str = DEFAULT_PLAYER,
        build: Callable[[dt.date], None] | None = None,
        asrun: AsRunLog | None = None,
        build_at: dt.time | None = None,
        poll_s: float = DEFAULT_POLL_S,
        grace_s: float = DEFAULT_GRACE_S,
        blocking: bool = False,
        fade_s: float = DEFAULT_FADE_S,
        clock: Callable[[], dt.datetime] = now,
        min_aired: float = MIN_AIRED,
        hang_margin_s: float = HANG_MARGIN_S,
    ) -> None:
        self.out = Path(out_dir).resolve()
        self.hang_margin_s = hang_margin_s
        self.min_aired = min_aired
        self.player = player
        self._build = build
        self.poll_s = poll_s
        self.grace_s = grace_s
        self.fade_s = fade_s
        self.clock = clock
        self.build_at = build_at or dt.time(4, 30)
        self.key = str(self.out)
        self.state = self.out / "daemon"
        self.state.mkdir(parents=True, exist_ok=True)
        self.ledger = Ledger(self.state / "ledger.sqlite", clock)
        self.lock = DaemonLock(self.out)
        self._locked = False
        self._asrun = asrun
        self._station_locks: dict[str, threading.RLock] = {}
        self._current: dict[str, PlayerProcess] = {}
        self._guard = threading.Lock()
        self._emergency_threads: dict[str, threading.Thread] = {}
        self._queue: list[QueuedBulletin] = []
        self._queue_sig: tuple[int, int, int] | None = None
        self._aired: set[tuple[str, str]] = set()
        self._drop_since: dict[str, tuple[dt.datetime, str]] = {}
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        #: running orders that could not be read (each logged once)
        self.unreadable: dict[Path, str] = {}
        #: the last good running order of each file, with the (mtime, size, inode) it had
        self._orders: dict[Path, tuple[tuple[int, int, int], RunningOrder]] = {}
        self._orders_lock = threading.Lock()
        self._folders_sig: tuple[tuple[int, int], ...] | None = None
        self._running_sessions: set[str] = set()
        #: per job id, submissions to the executor minus ends (see :meth:`settled`)
        self._in_flight: dict[str, int] = {}
        self._flight_lock = threading.Lock()
        self.status = StatusBoard(self.out, clock)
        self.scheduler = self._make_scheduler(self.state / "jobs.sqlite", blocking)

    # -- set-up ---------------------------------------------------------------------
    def _make_scheduler(self, db: Path, blocking: bool):  # type: ignore[no-untyped-def]
        from apscheduler.events import (
            EVENT_JOB_ERROR,
            EVENT_JOB_EXECUTED,
            EVENT_JOB_MISSED,
            EVENT_JOB_SUBMITTED,
        )
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
        sched.add_listener(self._on_submitted, EVENT_JOB_SUBMITTED)
        # a run time found too late ends as "missed", not "executed"
        sched.add_listener(
            self._on_finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )
        return sched

    def _on_submitted(self, event: Any) -> None:
        self._count(str(event.job_id), +1)

    def _on_finished(self, event: Any) -> None:
        # coalesce is on: a submission has one run time, so it ends with exactly one event;
        # a quick job's end may be announced (from its worker) before its submission
        self._count(str(event.job_id), -1)

    def _count(self, job_id: str, step: int) -> None:
        with self._flight_lock:
            left = self._in_flight.get(job_id, 0) + step
            if left:
                self._in_flight[job_id] = left
            else:
                self._in_flight.pop(job_id, None)

    def settled(self) -> bool:
        """Nothing is playing and nothing is due: whatever a start had to catch up (missed
        sessions logged as skipped, a late session played) is done. The executor is handed
        a due job while it is still in the job store, so there is no moment between "due"
        and "running" when this reads True. Tests wait on it instead of
        sleeping."""
        with self._flight_lock:
            if any(n > 0 for n in self._in_flight.values()):
                return False
        if any(t.is_alive() for t in list(self._emergency_threads.values())):
            return False
        now = self.clock()
        return all(
            job.next_run_time is None or job.next_run_time > now
            for job in self.scheduler.get_jobs()
        )

    @property
    def asrun(self) -> AsRunLog:
        if self._asrun is None:
            self._asrun = AsRunLog(asrun_path(self.out))
        return self._asrun

    def acquire(self) -> None:
        """Take the one-daemon-per-output lock (LockBusyError naming the holder)."""
        if not self._locked:
            self.lock.acquire(self.clock())
            self._locked = True

    def start(self, build_now: bool = True) -> None:
        """Lock the output, stop leftover players, schedule today and tomorrow, start
        (blocks if the scheduler is a BlockingScheduler)."""
        from apscheduler.triggers.cron import CronTrigger

        self.acquire()
        for what in players.kill_leftovers(self.state):
            log.warning("Đã dừng trình phát còn sót từ lần chạy trước: %s", what)
        _DAEMONS[self.key] = self
        self._close_interrupted()
        self.scheduler.add_job(
            "broadcast.playout.daemon:_job_build",
            CronTrigger(hour=self.build_at.hour, minute=self.build_at.minute, timezone=TZ),
            args=[self.key],
            id="build-ahead",
            replace_existing=True,
            misfire_grace_time=6 * 3600,
        )
        if self._build is not None and build_now:
            self.build_ahead()
        else:
            self.schedule_days()
        self._folders_sig = self._playlist_folders_sig()
        self._update_next()
        self._stop.clear()
        self._watcher = threading.Thread(target=self._watch, name="emergency-watch", daemon=True)
        self._watcher.start()
        self.scheduler.start()

    def shutdown(self, wait: bool = True) -> None:
        """Stop scheduling, stop every player this daemon started, release the lock."""
        self._stop.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for p in list(self._current.values()):
            p.kill()
        if wait and self.scheduler.running is False:
            for t in list(self._emergency_threads.values()):
                t.join(5)
        if self._watcher is not None:
            self._watcher.join(5)
        _DAEMONS.pop(self.key, None)
        if self._locked:
            self.status.stopped()
            self.lock.release()
            self._locked = False

    def _close_interrupted(self) -> None:
        """Entries cut by a crash or a stop: recorded as failed, never replayed."""
        for day, sid, slot, seq in self.ledger.interrupted():
            self.ledger.finish(day, sid, slot, seq, "failed")
            if slot.startswith("emergency:"):
                continue
            order = self._running_orders(dt.date.fromisoformat(day)).get(sid)
            items = order.by_slot().get(slot, []) if order else []
            if seq < len(items):
                self._record(
                    sid,
                    day,
                    slot,
                    items[seq],
                    self.clock(),
                    None,
                    "failed",
                    f"{INTERRUPTED} khi trình phát dừng; không phát lại",
                )

    def build_ahead(self) -> None:
        today = self.clock().date()
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
                    self.status.error(
                        None, f"không làm được danh sách phát ngày {day:%d/%m/%Y}: {exc}"
                    )
        self.schedule_days()
        self._update_next()

    # -- sessions ------------------------------------------------------------------
    def _running_orders(self, day: dt.date) -> dict[str, RunningOrder]:
        """Every station's running order of ``day``, re-read when its file changed
        (mtime, size, inode). A file that cannot be read keeps the last good version this
        daemon read (said once in the log); one never read well is not played."""
        folder = self.out / "playlists" / day.isoformat()
        out: dict[str, RunningOrder] = {}
        with self._orders_lock:
            for path in sorted(folder.glob("*.json")):
                try:
                    st = path.stat()
                except OSError:
                    continue
                sig = (st.st_mtime_ns, st.st_size, st.st_ino)
                cached = self._orders.get(path)
                if cached is not None and cached[0] == sig:
                    out[cached[1].station.id] = cached[1]
                    continue
                try:
                    order = read_running_order(path)
                except RunningOrderError as err:
                    self._unreadable(path, err, cached[1] if cached else None)
                    if cached is not None:
                        out[cached[1].station.id] = cached[1]
                    continue
                if path in self.unreadable:
                    del self.unreadable[path]
                    log.warning("Đã đọc lại được thứ tự phát %s", path)
                self._orders[path] = (sig, order)
                out[order.station.id] = order
        return out

    def _unreadable(self, path: Path, err: RunningOrderError, kept: RunningOrder | None) -> None:
        if self.unreadable.get(path) == err.what:
            return
        self.unreadable[path] = err.what
        if kept is None:
            log.error("%s\n  (các buổi trong tệp này sẽ không phát)", err.message)
            text = f"thứ tự phát {path.name} hỏng: các buổi trong tệp này không phát"
        else:
            log.error(
                "%s\n  (tệp đổi khi đang chạy và bị hỏng: vẫn phát theo bản tốt đã đọc trước)",
                err.message,
            )
            text = f"thứ tự phát {path.name} mới bị hỏng: vẫn phát theo bản tốt trước đó"
        self.status.error(kept.station.id if kept else None, text)

    def _playlist_folders_sig(self) -> tuple[tuple[int, int], ...]:
        """(mtime, inode) of today's and tomorrow's playlist folders: a build publishes by
        renaming into them, which changes the folder's mtime."""
        today = self.clock().date()
        sig = []
        for day in (today, today + dt.timedelta(days=1)):
            try:
                st = (self.out / "playlists" / day.isoformat()).stat()
                sig.append((st.st_mtime_ns, st.st_ino))
            except OSError:
                sig.append((0, 0))
        return tuple(sig)

    def refresh_playlists(self) -> int:
        """If a build changed today's or tomorrow's playlists, schedule what it added
        (sessions still to come; those already past are not made up); returns how many
        sessions were (re)scheduled."""
        sig = self._playlist_folders_sig()
        if sig == self._folders_sig:
            return 0
        self._folders_sig = sig
        count = self.schedule_days(late=False)
        if count:
            log.info("Danh sách phát đã đổi: lên lịch lại %d buổi", count)
        self._update_next()
        return count

    def _deadline(self, items: list[Item], day: dt.date) -> dt.datetime:
        """Latest time an entry of this session may still end."""
        window = items[0].window
        if window:
            end = dt.time.fromisoformat(window.split("-")[1])
            return dt.datetime.combine(day, end, tzinfo=TZ)
        return items[-1].end + dt.timedelta(seconds=self.grace_s)

    def schedule_days(self, days: list[dt.date] | None = None, late: bool = True) -> int:
        """Add (or refresh) one job per session still to air; returns how many. With
        ``late`` False (a rebuild seen while running), a session whose deadline is past or
        that is playing now is left alone."""
        from apscheduler.triggers.date import DateTrigger

        now_ = self.clock()
        today = now_.date()
        count = 0
        for day in days or [today, today + dt.timedelta(days=1)]:
            for sid, order in self._running_orders(day).items():
                for slot, items in order.by_slot().items():
                    start = dt.datetime.combine(day, dt.time.fromisoformat(slot), tzinfo=TZ)
                    deadline = self._deadline(items, day)
                    job_id = f"session:{sid}:{day.isoformat()}:{slot}"
                    if not late and (deadline < now_ or job_id in self._running_sessions):
                        continue
                    done = self.ledger.done(day.isoformat(), sid, slot)
                    if len(done) >= len(items):
                        continue
                    grace = max(1, int((deadline - start).total_seconds()))
                    self.scheduler.add_job(
                        "broadcast.playout.daemon:_job_session",
                        DateTrigger(start, TZ),
                        args=[self.key, sid, day.isoformat(), slot],
                        id=job_id,
                        replace_existing=True,
                        misfire_grace_time=grace,
                    )
                    count += 1
        return count

    def _update_next(self) -> None:
        """Each station's next session (its first bulletin) into the status record."""
        now_ = self.clock()
        today = now_.date()
        upcoming: dict[str, dict[str, str] | None] = {}
        names: dict[str, str] = {}
        for day in (today, today + dt.timedelta(days=1)):
            for sid, order in self._running_orders(day).items():
                names[sid] = order.station.name
                upcoming.setdefault(sid, None)
                if upcoming[sid] is not None:
                    continue
                for slot, items in sorted(order.by_slot().items()):
                    start = dt.datetime.combine(day, dt.time.fromisoformat(slot), tzinfo=TZ)
                    if start <= now_:
                        continue
                    first = next((i for i in items if i.is_bulletin), items[0])
                    upcoming[sid] = {
                        "at": start.isoformat(timespec="seconds"),
                        "slot": slot,
                        "title": first.title,
                    }
                    break
        self.status.names(names)
        self.status.next_up(upcoming)

    def _on_missed(self, event: Any) -> None:
        if not str(event.job_id).startswith("session:"):
            return
        _, sid, day, slot = str(event.job_id).split(":", 3)
        self._skip_rest(sid, day, slot, "máy không chạy vào giờ phát (quá thời gian cho phép)")

    def _skip(
        self, sid: str, day: str, slot: str, seq: int, item: Any, file: str, why: str
    ) -> bool:
        """Log one entry as not played (once: the ledger decides); True if this call did."""
        if not self.ledger.claim(day, sid, slot, seq, file, "skipped"):
            return False
        self._record(sid, day, slot, item, self.clock(), None, "skipped", why)
        return True

    def _skip_rest(self, sid: str, day: str, slot: str, why: str, after: int = -1) -> None:
        order = self._running_orders(dt.date.fromisoformat(day)).get(sid)
        if order is None:
            return
        skipped = 0
        for seq, item in enumerate(order.by_slot().get(slot, [])):
            if seq <= after:
                continue
            if self._skip(sid, day, slot, seq, item, item.file, why):
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

    def _lock_for(self, sid: str) -> threading.RLock:
        with self._guard:
            return self._station_locks.setdefault(sid, threading.RLock())

    def _record(
        self,
        sid: str,
        day: str,
        slot: str,
        item: Item | Mapping[str, Any],
        start: dt.datetime,
        end: dt.datetime | None,
        result: str,
        note: str = "",
        media: Path | None = None,
    ) -> None:
        """One row of the as-run log for a bulletin: with the script version the running
        order names and, for a file that went to the player (``media``), its SHA-1."""
        f = item.as_dict() if isinstance(item, Item) else item
        if f.get("kind", "bulletin") != "bulletin":
            return  # jingles are not bulletins: the as-run log counts bulletins
        try:
            self.asrun.record_play(
                station_id=sid,
                day=dt.date.fromisoformat(day),
                slot=slot,
                script_id=f["script"],
                source=f["source"],
                directive=f["directive"],
                file=f["file"],
                title=f["title"],
                start=start,
                end=end,
                result=result,
                note=note,
                version=str(f.get("version", "")),
                file_sha1=digest.sha1_of(media) if media is not None else "",
            )
        except AsRunDiskFullError as exc:  # playout goes on; said in words
            log.error("%s\n  Vẫn phát tiếp; lượt này không vào nhật ký.", exc.message)
            self.status.error(sid, exc.what)
        except Exception as exc:  # noqa: BLE001 - playout goes on; the problem is logged
            log.warning("Không ghi được nhật ký phát sóng: %s", exc)
            self.status.error(sid, f"không ghi được nhật ký phát sóng: {exc}")

    def _play(
        self,
        sid: str,
        path: Path,
        title: str,
        seconds: float,
        kind: str,
        slot: str = "",
        day: str = "",
    ) -> tuple[bool, dt.datetime, PlayerProcess | None]:
        """Play one file to its end (or until cut); the caller holds the station lock."""
        start = self.clock()
        if self._stop.is_set():
            return False, start, None  # shutting down: never start a player now
        try:
            p = players.spawn(self.player, path, sid, self.state, self.clock, self.fade_s, kind)
        except OSError as exc:
            log.warning("Không chạy được trình phát '%s': %s", self.player, exc)
            self.status.error(sid, f"không chạy được trình phát: {exc}")
            return False, start, None
        onair.info(
            "%s  %s  ▶ %s (%s, %.0f s)", f"{start:%H:%M:%S}", sid, title, kind_label(kind), seconds
        )
        self._current[sid] = p
        self.status.on_air(sid, title, kind, slot, day, start, seconds, path.name)
        limit = seconds * 1.2 + self.hang_margin_s if seconds > 0 else None
        try:
            rc = p.wait(limit)
        finally:
            self._current.pop(sid, None)
        return rc == 0 and p.cut_reason is None, start, p

    def _outcome(
        self,
        ok: bool,
        p: PlayerProcess | None,
        start: dt.datetime,
        end: dt.datetime,
        seconds: float,
    ) -> tuple[str, str]:
        """``played`` only when the player ended well *and* at least :data:`MIN_AIRED` of
        the item aired; otherwise ``failed`` with the seconds aired and why."""
        aired = max(0.0, (end - start).total_seconds())
        if p is not None and p.aired_s is not None:
            aired = p.aired_s  # the monotonic clock: a wall-clock jump changes nothing
        if self._stop.is_set() and not ok:
            return "failed", "bị ngắt khi 'broadcast run' dừng; không phát lại"
        if p is None:
            return "failed", "không chạy được trình phát"
        if p.hung:
            why = f"trình phát không tự dừng sau {aired:.0f} giây (treo), đã buộc dừng"
            return "failed", f"không biết phát được bao nhiêu trong {seconds:.1f} giây: {why}"
        if not ok:
            why = f"trình phát báo lỗi (mã thoát {p.proc.returncode})"
        elif seconds > 0 and aired < self.min_aired * seconds:
            why = "trình phát dừng sớm"
        else:
            return "played", ""
        return "failed", f"chỉ phát được {aired:.1f} giây trong {seconds:.1f} giây: {why}"

    def _damaged(self, sid: str, day: str, slot: str, seq: int, item: Item, path: Path) -> bool:
        """Check the file against the size and hash the build recorded; a damaged one is
        logged ``failed`` (never played, never ``played``). True if it was damaged."""
        why = digest.damage(path, item.size, item.sha256)
        if why is None:
            return False
        note = f"tệp hỏng, không phát: {why} ({item.file})"
        log.error(
            "đài %s, buổi %s ngày %s: %s — %s. Cách sửa: chạy lại 'broadcast build --date %s' "
            "để làm lại tệp.",
            sid,
            slot,
            day,
            item.title,
            note,
            day,
        )
        self.ledger.finish(day, sid, slot, seq, "failed")
        now_ = self.clock()
        self._record(sid, day, slot, item, now_, now_, "failed", note)
        self.status.error(sid, f"{item.title}: {note}")
        self.status.finished(sid, item.title, "failed", now_, now_, note)
        return True

    def _items(self, sid: str, day: str, slot: str) -> list[Item] | None:
        order = self._running_orders(dt.date.fromisoformat(day)).get(sid)
        return None if order is None else order.by_slot().get(slot, [])

    def run_session(self, sid: str, day: str, slot: str) -> None:
        job_id = f"session:{sid}:{day}:{slot}"
        self._running_sessions.add(job_id)
        try:
            self._run_session(sid, day, slot)
        finally:
            self._running_sessions.discard(job_id)
            self._update_next()

    def _run_session(self, sid: str, day: str, slot: str) -> None:
        order = self._running_orders(dt.date.fromisoformat(day)).get(sid)
        if order is None:
            log.warning("Không thấy danh sách phát ngày %s của đài %s", day, sid)
            self.status.error(sid, f"không thấy danh sách phát ngày {day}")
            return
        items = order.by_slot().get(slot, [])
        deadline = self._deadline(items, dt.date.fromisoformat(day)) if items else self.clock()
        began = self.clock()
        seq = 0
        while not self._stop.is_set():
            # each entry from the running order as it is now: a build during the session
            # (a replaced bulletin, a damaged file kept at its last good version) is seen
            order = self._running_orders(dt.date.fromisoformat(day)).get(sid) or order
            items = order.by_slot().get(slot, [])
            if seq >= len(items):
                break
            item = items[seq]
            station_lock = self._lock_for(sid)
            with station_lock:
                self.play_emergencies(sid)
                dropped = self._drop_since.get(sid)
                if dropped is not None and dropped[0] >= began:
                    self._skip_rest(
                        sid,
                        day,
                        slot,
                        f"bỏ phần còn lại của buổi sau bản tin khẩn cấp {dropped[1]}",
                        after=seq - 1,
                    )
                    return
                if self._queued_here(sid, item.source):
                    # a queued emergency the build also put in the playlist: the watcher
                    # plays it from the queue (above), so the playlist's copy never airs
                    # a second time (issue 22: exactly once)
                    self._skip(sid, day, slot, seq, item, item.file, ALREADY_AIRED)
                    seq += 1
                    continue
                if self.clock() + dt.timedelta(seconds=item.duration_s) > deadline:
                    self._skip(sid, day, slot, seq, item, item.file, "hết khung giờ phát")
                    seq += 1
                    continue
                claimed = self.ledger.claim(day, sid, slot, seq, item.file)
                if not claimed and not self.ledger.reclaim(day, sid, slot, seq):
                    seq += 1
                    continue  # already played (or started before a crash): never twice
                media = order.media(item)
                if self._damaged(sid, day, slot, seq, item, media):
                    seq += 1
                    continue
                ok, start, p = self._play(
                    sid, media, item.title, item.duration_s, item.kind, slot, day
                )
            if p is not None and p.cut_reason is not None:
                qid = p.cut_reason
                end = p.ended_at or self.clock()
                policy = self._policy(qid, sid)
                resume = policy["after"] == "resume"
                self.ledger.finish(day, sid, slot, seq, "interrupted" if resume else "failed")
                note = f"{INTERRUPTED} lúc {end:%H:%M:%S} để phát bản tin khẩn cấp {qid}; " + (
                    "phát lại từ đầu sau đó" if resume else "bỏ phần còn lại của buổi"
                )
                self._record(sid, day, slot, item, start, end, "failed", note, media)
                self.status.finished(sid, item.title, "failed", start, end, note)
                onair.info("%s  %s  ■ %s (%s)", f"{end:%H:%M:%S}", sid, item.title, note)
                if resume:
                    continue  # the same entry again, after the emergency
                seq += 1
                continue  # the drop is seen at the top of the loop
            end = _end_of(p, start, self.clock)
            result, note = self._outcome(ok, p, start, end, item.duration_s)
            self.ledger.finish(day, sid, slot, seq, result)
            self._record(sid, day, slot, item, start, end, result, note, media)
            self.status.finished(sid, item.title, result, start, end, note)
            if result == "failed" and not self._stop.is_set():
                self.status.error(sid, f"{item.title}: {note}")
            seq += 1
        if not self._stop.is_set():
            self.play_emergencies(sid)

    # -- emergencies ------------------------------------------------------------------
    def _queued_here(self, sid: str, source: str) -> bool:
        """Whether ``source`` is an emergency in the queue for station ``sid``."""
        if not source:
            return False
        self._refresh_queue()
        return any(q.id == source and sid in q.stations and sid in q.files for q in self._queue)

    def _policy(self, qid: str, sid: str) -> dict[str, str]:
        for q in self._queue:
            if q.id == qid:
                return self.policy_of(q, sid)
        return dict(DEFAULT_POLICY)

    @staticmethod
    def policy_of(q: QueuedBulletin, sid: str) -> dict[str, str]:
        """What station ``sid`` does for ``q``: the queue's word, else the old ``now`` flag."""
        base = {**DEFAULT_POLICY, "interrupt": "now" if q.now else "after_item"}
        return {**base, **q.policy.get(sid, {})}

    def _watch(self) -> None:
        """Emergencies every ``poll_s``; changed playlists every second; the heartbeat."""
        beat = looked = 0.0
        while not self._stop.is_set():
            try:
                self.poll_emergencies()
            except Exception as exc:  # noqa: BLE001 - the watcher must outlive a bad queue
                log.error("Không đọc được hàng đợi khẩn cấp %s: %s", queue_path(self.out), exc)
            mono = time.monotonic()
            if mono - looked >= PLAYLIST_POLL_S:
                looked = mono
                try:
                    self.refresh_playlists()
                except Exception as exc:  # noqa: BLE001 - nor a bad playlist folder
                    log.error("Không đọc lại được danh sách phát: %s", exc)
            if mono - beat >= HEARTBEAT_S:
                beat = mono
                self.status.heartbeat()
            self._stop.wait(self.poll_s)

    def _refresh_queue(self) -> bool:
        """Re-read the queue if its file changed; True if it did."""
        try:
            st = os.stat(queue_path(self.out))
            sig = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            sig = (0, 0, 0)
        if sig == self._queue_sig:
            return False
        current = self.clock()
        self._queue = load_queue(self.out, since=current - dt.timedelta(days=1))
        self._queue_sig = sig
        return True

    def _pending(self, sid: str) -> list[QueuedBulletin]:
        """Queued emergencies for ``sid`` not yet aired (or skipped), oldest first."""
        out = []
        for q in self._queue:
            if sid not in q.stations or sid not in q.files or (q.id, sid) in self._aired:
                continue
            if self.ledger.done(q.created.date().isoformat(), sid, "emergency:" + q.id):
                self._aired.add((q.id, sid))
                continue
            out.append(q)
        return out

    def poll_emergencies(self) -> None:
        """See new queue entries; start one emergency worker per station that has some."""
        self._refresh_queue()
        stations = {sid for q in self._queue for sid in q.stations}
        for sid in sorted(stations):
            pending = self._pending(sid)
            if not pending:
                continue
            with self._guard:
                running = self._emergency_threads.get(sid)
                if running is not None and running.is_alive():
                    continue
                t = threading.Thread(
                    target=self._emergency_worker, args=(sid,), name=f"emergency-{sid}", daemon=True
                )
                self._emergency_threads[sid] = t
                t.start()

    def _emergency_worker(self, sid: str) -> None:
        """Cut what plays if the policy says ``now``, then play every pending emergency."""
        while not self._stop.is_set():
            pending = self._pending(sid)
            if not pending:
                return
            q = pending[0]
            if self.clock() - q.created > EMERGENCY_MAX_AGE:
                self._emergency_entry(q, sid, play=False)
                continue
            if self.policy_of(q, sid)["interrupt"] == "now":
                cur = self._current.get(sid)
                if cur is not None and cur.kind != "emergency" and cur.running():
                    cur.stop(q.id)
            station_lock = self._lock_for(sid)
            if station_lock.acquire(timeout=0.2):
                try:
                    self._emergency_entry(q, sid, play=True)
                finally:
                    station_lock.release()

    def play_emergencies(self, sid: str) -> None:
        """Play every queued emergency for ``sid`` not yet aired (the caller holds, or this
        waits for, the station lock)."""
        self._refresh_queue()
        for q in self._pending(sid):
            if self.clock() - q.created <= EMERGENCY_MAX_AGE:
                self._emergency_entry(q, sid, play=True)

    def _emergency_entry(self, q: QueuedBulletin, sid: str, play: bool) -> None:
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
            self._skip(
                sid, day, slot, 0, item, q.files[sid], "bản tin khẩn cấp đã quá cũ khi máy chạy lại"
            )
            self._aired.add((q.id, sid))
            return
        with self._lock_for(sid):
            self._refresh_queue()
            if all(x.id != q.id for x in self._queue):
                return  # cancelled while it waited for the station (queue.cancel)
            if not self.ledger.claim(day, sid, slot, 0, q.files[sid]):
                self._aired.add((q.id, sid))
                return
            if self.policy_of(q, sid)["after"] == "drop":
                self._drop_since[sid] = (self.clock(), q.id)
            seconds = q.durations.get(sid, 0.0)
            media = self.out / q.files[sid]
            why = digest.damage(media, None, None)
            if why is not None:
                now_ = self.clock()
                note = f"khẩn cấp; tệp hỏng, không phát: {why} ({q.files[sid]})"
                log.error("đài %s: bản tin khẩn cấp '%s' — %s", sid, q.title, note)
                self.ledger.finish(day, sid, slot, 0, "failed")
                self._aired.add((q.id, sid))
                self._record(sid, day, now_.strftime("%H:%M"), item, now_, now_, "failed", note)
                self.status.error(sid, f"{q.title}: {note}")
                return
            ok, start, p = self._play(sid, media, q.title, seconds, "emergency", "khẩn cấp", day)
        end = _end_of(p, start, self.clock)
        result, why = self._outcome(ok, p, start, end, seconds)
        note = f"khẩn cấp; {why}" if why else "khẩn cấp"
        self.ledger.finish(day, sid, slot, 0, result)
        self._aired.add((q.id, sid))
        self._record(sid, day, start.strftime("%H:%M"), item, start, end, result, note, media)
        self.status.finished(sid, q.title, result, start, end, note)
