"""Build days of playlists: plan, render what is missing, write playlists atomically.

Idempotent and safe under cron: one lock per output folder (a second run waits for the
first, then finds everything built and rewrites nothing that changed), and every file
is written to a temp file and renamed. A run killed with ``kill -9`` leaves the previous
playlist (or none) and, at worst, hidden ``.NAME.*.tmp*`` files that the next run
removes (in playlists/ all of them; in bulletins/, jingles/ and the speech cache those
whose process is gone, since ``render`` and ``emergency`` write there without the lock).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from ..emergency.queue import KEEP, load_queue
from ..errors import BroadcastError, LockBusyError, StoppedByUser
from ..files import atomic
from ..playlists.m3u8 import Batch, Entry, relative, write_playlist
from ..project.loader import Project
from ..project.schedule import Station
from ..project.scripts import Script
from ..render.jingles import JingleFile, jingle_files
from ..render.renderer import KIND_ANNOUNCEMENT, Bulletin, Job, Renderer, Sources
from ..report.asrun import asrun_path, open_for_build
from ..schedule.estimate import Estimator
from ..schedule.planner import DayPlan, Note, Planner, Session, requested_scripts
from ..vocabulary import TIMEZONE

log = logging.getLogger(__name__)
TZ = ZoneInfo(TIMEZONE)
LOCK_NAME = ".broadcast.lock"


@dataclass
class BuildResult:
    playlists: list[Path] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    fallbacks: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    written: int = 0


def playlist_path(out_dir: Path, day: dt.date, station_id: str) -> Path:
    return Path(out_dir) / "playlists" / day.isoformat() / f"{station_id}.m3u8"


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


def _window_text(sess: Session) -> str | None:
    if sess.window is None:
        return None
    return f"{sess.window[0]:%H:%M}-{sess.window[1]:%H:%M}"


def entries_for(
    plan: DayPlan,
    station_id: str,
    bulletins: dict[str, Bulletin],
    jingles: tuple[JingleFile, JingleFile] | None = None,
    out_dir: Path | None = None,
    announcement: Bulletin | None = None,
) -> list[Entry]:
    """Timed entries: a station-ID jingle opens each session, a chime separates two
    bulletins, items follow back to back from the session's start. With
    ``announcement``, the station's "<name> xin thông báo." plays just before each
    rendered bulletin (the planner counted it in the item's duration); a queued
    emergency file has the station in its own header and plays as it is."""
    entries: list[Entry] = []
    for sess in plan.sessions.get(station_id, []):
        if not sess.items:
            continue
        start = dt.datetime.combine(plan.day, sess.start, tzinfo=TZ)
        window = _window_text(sess)

        def aside(
            f: JingleFile | Bulletin,
            at: dt.datetime,
            kind: str,
            engine: str = "",
            s: Session = sess,
            w: str | None = window,
        ) -> Entry:
            """An entry that belongs to no campaign: a jingle, the station's announcement."""
            return Entry(
                start=at,
                slot=s.start,
                path=f.path,
                duration_s=f.duration_s,
                title=f.title,
                script_id="",
                source="",
                priority="",
                directive="",
                engine=engine,
                kind=kind,
                window=w,
            )

        for n, item in enumerate(sess.items):
            if jingles is not None:
                j = jingles[0] if n == 0 else jingles[1]
                entries.append(aside(j, start, "jingle"))
                start += dt.timedelta(seconds=j.duration_s)
            if item.file is not None and out_dir is not None:
                path, title, engine = Path(out_dir) / item.file, item.title or "", "queued"
                duration = item.duration_s
            else:
                b = bulletins[item.script_id]
                path, title, engine, duration = b.path, b.title, b.engine, b.duration_s
                if announcement is not None:
                    entries.append(
                        aside(announcement, start, KIND_ANNOUNCEMENT, announcement.engine)
                    )
                    start += dt.timedelta(seconds=announcement.duration_s)
            entries.append(
                Entry(
                    start=start,
                    slot=sess.start,
                    path=path,
                    duration_s=duration,
                    title=title,
                    script_id=item.script_id,
                    source=item.source,
                    priority=item.priority.value,
                    directive=item.directive,
                    engine=engine,
                    at=item.at,
                    moved_from=item.moved_from,
                    window=window,
                )
            )
            start += dt.timedelta(seconds=duration)
    return entries


def session_docs(plan: DayPlan, station_id: str) -> list[dict[str, Any]]:
    out = []
    for s in plan.sessions.get(station_id, []):
        start = dt.datetime.combine(plan.day, s.start, tzinfo=TZ)
        out.append(
            {
                "start": start.isoformat(),
                "end": (start + dt.timedelta(seconds=s.used_s)).isoformat(),
                "window": _window_text(s),
                "capacity_s": s.capacity_s,
                "used_s": round(s.used_s, 3),
                "overrun_s": s.overrun_s,
            }
        )
    return out


def note_docs(plan: DayPlan, station_id: str) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "slot": n.slot.strftime("%H:%M") if n.slot else None,
            "source": n.source,
            "script": n.script_id,
            "text": n.text,
            "lost": n.lost,
            "rule": n.rule,
        }
        for n in plan.notes_for(station_id)
    ]


#: A temp file without its owner's pid (an older version's) this old is left over from a
#: killed run: ``render`` and ``emergency`` write bulletins without the build lock.
STALE_TEMP_S = atomic.UNKNOWN_OWNER_AGE_S


def _clean_stale_temps(folder: Path, min_age_s: float = 0) -> None:
    """Temp files a killed run left behind (never the published files). With
    ``min_age_s`` 0 every temp file goes (the caller holds the lock of that folder);
    otherwise those whose process is gone go at once, and those without a pid in their
    name once they are ``min_age_s`` old."""
    if not min_age_s:
        atomic.remove_left_over(folder, everything=True)
        return
    if not folder.is_dir():
        return
    now = time.time()
    for tmp in folder.glob(atomic.TEMP_GLOB):
        try:
            if atomic.owner_pid(tmp) is not None:
                stale = atomic.is_left_over(tmp, now)
            else:
                stale = now - tmp.stat().st_mtime >= min_age_s
            if stale:
                tmp.unlink()
        except OSError:
            pass


def _clean_stale_media_temps(out_dir: Path) -> None:
    """Half-written bulletins, jingles and speech a ``kill -9`` left (hidden, never played)."""
    folders = [out_dir / "jingles", out_dir / "announcements"]
    for pattern in ("bulletins/*", "cache/speech/*/*"):
        folders.extend(p for p in out_dir.glob(pattern) if p.is_dir())
    for folder in folders:
        _clean_stale_temps(folder, STALE_TEMP_S)


def default_jobs() -> int:
    """Processes a build uses by default: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class RenderProgress(Protocol):
    """What a build tells a progress bar (the CLI's rich bar; tests pass nothing)."""

    def start(self, total: int, day: dt.date) -> None: ...

    def advance(self, what: str) -> None: ...

    def stop(self) -> None: ...


#: The worker process's own renderer (one eSpeak engine a process: it is not thread-safe).
_WORKER: Renderer | None = None


def _die_with(parent: int) -> None:
    """End this worker when the build that started it ends, even by ``kill -9``.

    A worker waits on a pipe that it holds open itself (fork), so it would never see
    its parent go; Linux can send it a signal instead (prctl PR_SET_PDEATHSIG).
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the pool's own shutdown still ends workers of a normal run
    if os.getppid() != parent:  # the parent died before the prctl: go now
        os._exit(1)

    def watch() -> None:  # and wherever prctl is missing or did not fire: look each second
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    import threading

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _init_worker(project: Sources, out_dir: Path, parent: int) -> None:
    global _WORKER
    _die_with(parent)
    _WORKER = Renderer(project, out_dir)


@dataclass(frozen=True)
class _Failed:
    """A BroadcastError raised in a worker, carried back whole (what, where, fix)."""

    cls: type[BroadcastError]
    what: str
    where: str | None
    fix: str | None


def _make_in_worker(task: list[Job]) -> list[Bulletin] | _Failed:
    assert _WORKER is not None
    try:
        return _WORKER.make_many(task)
    except BroadcastError as exc:
        return _Failed(type(exc), exc.what, exc.where, exc.fix)


#: station announcements made together: one ffmpeg process encodes this many
ANNOUNCEMENT_BATCH = 32


def _tasks(todo: list[Job]) -> list[list[Job]]:
    """Bulletins one a task, longest work first; announcements in batches."""
    bulletins = [[j] for j in todo if j.kind != KIND_ANNOUNCEMENT]
    anns = [j for j in todo if j.kind == KIND_ANNOUNCEMENT]
    batches = [anns[i : i + ANNOUNCEMENT_BATCH] for i in range(0, len(anns), ANNOUNCEMENT_BATCH)]
    return bulletins + batches


#: above this many stations, workers start fresh instead of as forks of the build
SPAWN_ABOVE_STATIONS = 500


def _start_method(project: Project | Sources) -> str:
    """``fork`` starts a worker at once, but a fork of a build that holds a province's
    project grows to the build's size as Python touches the objects (reference counts
    write to every page it shares): three copies of 300 MB. Above a few hundred stations
    workers are spawned fresh and get only what they need (:class:`Sources`)."""
    methods = multiprocessing.get_all_start_methods()
    stations = len(getattr(getattr(project, "schedule", None), "stations", ()))
    if "fork" in methods and stations <= SPAWN_ABOVE_STATIONS:
        return "fork"
    return "spawn"


class RenderPool:
    """Makes render jobs on ``jobs`` processes (or in this one when ``jobs`` is 1).

    Each process has its own Renderer and eSpeak engine: separate processes are safe
    where threads are not (FIELD-NOTES). eSpeak NG's output depends on the calls made
    before it in the same process, so the speech itself is made here, in job order,
    into the speech cache (about 5 ms a sentence); the processes find it there and do
    the costly part: assembly, loudness, MP3 encode. The same build then gives the same
    audio, durations and playlists every run. Processes start on first use and serve
    every day of the build.
    """

    def __init__(self, renderer: Renderer, jobs: int) -> None:
        self.renderer = renderer
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            project = self.renderer.project
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context(_start_method(project)),
                initializer=_init_worker,
                initargs=(
                    Sources(project.root, project.lexicon_path),
                    self.renderer.out_dir,
                    os.getpid(),
                ),
            )
        return self._pool

    def run(self, todo: list[Job], done: Callable[[Job, Bulletin], None]) -> None:
        """Make every job; ``done`` is called in this process as each finishes."""
        tasks = _tasks(todo)
        if self.jobs == 1 or len(tasks) < 2:
            for task in tasks:
                for job, b in zip(task, self.renderer.make_many(task), strict=True):
                    done(job, b)
            return
        pool = self._executor()
        pending: dict[Future[list[Bulletin] | _Failed], list[Job]] = {}

        def collect(fut: Future[list[Bulletin] | _Failed]) -> None:
            out = fut.result()
            if isinstance(out, _Failed):
                raise out.cls(out.what, out.where, out.fix)
            for job, b in zip(pending.pop(fut), out, strict=True):
                done(job, b)

        try:
            for task in tasks:
                for job in task:
                    self.renderer.prepare(job)  # speech in a fixed order, here
                pending[pool.submit(_make_in_worker, task)] = task
                for fut in [f for f in pending if f.done()]:
                    collect(fut)
            for fut in as_completed(list(pending)):
                collect(fut)
        except BaseException:
            for fut in pending:
                fut.cancel()
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@dataclass
class DayRender:
    """What a day airs: shared bulletins by (station, script) and each station's
    announcement."""

    bulletins: dict[tuple[str, str], Bulletin] = field(default_factory=dict)
    announcements: dict[str, Bulletin] = field(default_factory=dict)


def _render_all(
    renderer: Renderer,
    pool: RenderPool,
    project: Project,
    jobs: list[tuple[str, str]],
    day: dt.date,
    progress: Callable[[str], None] | None,
    result: BuildResult,
    bar: RenderProgress | None = None,
) -> DayRender:
    """Render what a day airs: each distinct bulletin once, each station's announcement.

    Keys and what is on disk are worked out here (cheap); stations that share a voice
    and audio settings share one bulletin file. What is missing is made on the pool.
    """
    sched = project.schedule
    out = DayRender()
    todo: dict[Path, Job] = {}  # one job per file, however many stations need it
    wanted: dict[Path, list[tuple[str, str]]] = {}
    stations = list(dict.fromkeys(sid for sid, _ in jobs))
    ann_for: dict[Path, list[str]] = {}
    planned: dict[tuple[str, str], Bulletin | Job] = {}
    for sid in stations:
        got = renderer.plan_announcement(sched.stations[sid])
        if isinstance(got, Bulletin):
            out.announcements[sid] = got
        else:
            todo.setdefault(got.path, got)
            ann_for.setdefault(got.path, []).append(sid)
    for sid, script_id in jobs:
        station, script = sched.stations[sid], project.scripts[script_id]
        # stations that sound alike share a key: look each file up once a day
        memo = (renderer.sound_key(station), script_id)
        if memo not in planned:
            planned[memo] = renderer.plan(script, station, standalone=False)
        got = planned[memo]
        if isinstance(got, Bulletin):
            out.bulletins[(sid, script_id)] = got
        else:
            todo.setdefault(got.path, got)
            wanted.setdefault(got.path, []).append((sid, script_id))
    reused = {b.path for b in out.bulletins.values()} | {b.path for b in out.announcements.values()}
    result.reused += len(reused)
    if bar is not None and todo:
        bar.start(len(todo), day)

    def done(job: Job, b: Bulletin) -> None:
        if b.cached:
            result.reused += 1
        else:
            result.rendered += 1
            if b.fallbacks:
                who = job.station_id if job.kind == KIND_ANNOUNCEMENT else job.script_id
                why = "; ".join(b.fallbacks)
                result.fallbacks.append(f"{who}/{job.kind}: {b.engine} ({why})")
        for sid in ann_for.get(job.path, []):
            out.announcements[sid] = b
        for pair in wanted.get(job.path, []):
            out.bulletins[pair] = b
        what = f"{day} {job.station_id}: " + (job.script_id or "lời giới thiệu đài")
        if progress:
            progress(what)
        if bar is not None:
            bar.advance(what)

    pool.run(list(todo.values()), done)
    if bar is not None and todo:
        bar.stop()
    return out


def _fingerprint(entries: list[Entry], folder: Path) -> list[tuple[dt.datetime, str]]:
    """What the as-run log keeps of a running order that can differ between builds."""
    return [(e.start, relative(e.path, folder)) for e in entries if e.kind == "bulletin"]


def _recorded(asrun: Any, day: dt.date) -> dict[str, list[tuple[dt.datetime, str]]]:
    """The running orders the as-run log already holds for ``day``, by station: a
    rebuild that changes nothing rewrites nothing there either (one transaction with a
    disk flush per station costs minutes for a province)."""
    out: dict[str, list[tuple[dt.datetime, str]]] = {}
    for row in asrun.planned(day, day):
        out.setdefault(row.station_id, []).append((row.start, row.file))
    return out


def build(
    project: Project,
    out_dir: Path,
    start: dt.date,
    days: int = 1,
    stations: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    lock_timeout: float = 600,
    jobs: int | None = None,
    bar: RenderProgress | None = None,
) -> BuildResult:
    """Build ``days`` days from ``start``: render what is missing on ``jobs`` processes
    (default: every core), then publish every station's playlists."""
    out_dir = Path(out_dir)
    result = BuildResult()
    sched = project.schedule
    wanted = stations or list(sched.stations)
    with output_lock(out_dir, lock_timeout):
        _clean_stale_media_temps(out_dir)
        renderer = Renderer(project, out_dir)
        pool = RenderPool(renderer, jobs or default_jobs())
        try:
            _build_days(
                project, out_dir, start, days, wanted, progress, bar, renderer, pool, result
            )
        finally:
            pool.close()
    return result


def _build_days(
    project: Project,
    out_dir: Path,
    start: dt.date,
    days: int,
    wanted: list[str],
    progress: Callable[[str], None] | None,
    bar: RenderProgress | None,
    renderer: Renderer,
    pool: RenderPool,
    result: BuildResult,
) -> None:
    sched = project.schedule
    asrun = open_for_build(asrun_path(out_dir))
    since = dt.datetime.combine(start, dt.time(0), tzinfo=TZ) - KEEP
    queued = load_queue(out_dir, since=since)
    jingle_cache: dict[str, tuple[JingleFile, JingleFile]] = {}
    jingle_memo: dict[str, tuple[JingleFile, JingleFile]] = {}
    rendered: dict[tuple[str, str], Bulletin] = {}
    announced: dict[str, Bulletin] = {}
    estimate = Estimator(project, out_dir, renderer)

    def real(station: Station, script: Script) -> float:
        # The planner may look at days this run does not render (the fairness ledger's
        # earlier days, yesterday for a queued emergency): measure those.
        b = rendered.get((station.id, script.id))
        ann = announced.get(station.id)
        if b is None or ann is None:
            return estimate(station, script)
        # the station's announcement airs just before each bulletin: the planner counts
        # the pair as one item, exactly as long as both files
        return round(b.duration_s + ann.duration_s, 3)

    def jingle_s(station: Station) -> tuple[float, float]:
        if station.id not in jingle_cache:
            # stations with the same jingle settings share the files: look them up once
            memo = station.jingles.model_dump_json() + station.audio.model_dump_json()
            if memo not in jingle_memo:
                jingle_memo[memo] = jingle_files(project.root, station, out_dir)
            jingle_cache[station.id] = jingle_memo[memo]
        ident, between = jingle_cache[station.id]
        return ident.duration_s, between.duration_s

    planner = Planner(sched, project.scripts, real, jingle_s, queued)
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        wanted_scripts = requested_scripts(sched, project.scripts, day)
        pairs = [(sid, script_id) for sid in wanted for script_id in wanted_scripts.get(sid, [])]
        made = _render_all(renderer, pool, project, pairs, day, progress, result, bar)
        for sid in wanted:
            jingle_s(sched.stations[sid])
        rendered.update(made.bulletins)
        announced.update(made.announcements)
        plan = planner.plan(day, wanted)
        result.notes.extend(plan.notes)
        folder = playlist_path(out_dir, day, "x").parent
        _clean_stale_temps(folder)
        batch = Batch()
        paths = []
        by_station: dict[str, dict[str, Bulletin]] = {}
        for (sid, script_id), b in made.bulletins.items():
            by_station.setdefault(sid, {})[script_id] = b
        recorded = _recorded(asrun, day)
        to_record: list[Path] = []
        for sid in wanted:
            station = sched.stations[sid]
            path = playlist_path(out_dir, day, sid)
            entries = entries_for(
                plan,
                sid,
                by_station.get(sid, {}),
                jingle_cache[sid],
                out_dir,
                announcement=made.announcements.get(sid),
            )
            changed = write_playlist(
                entries,
                path,
                title=f"{station.name} — {day:%d/%m/%Y}",
                station={"id": sid, "name": station.name, "kind": station.kind},
                day=day,
                sessions=session_docs(plan, sid),
                notes=note_docs(plan, sid),
                batch=batch,
            )
            result.written += int(changed)
            paths.append(path)
            if changed or recorded.get(sid) != _fingerprint(entries, path.parent):
                to_record.append(path)
        batch.commit()
        for path in to_record:
            asrun.record_running_order(path.with_suffix(".json"))
        result.playlists.extend(paths)
