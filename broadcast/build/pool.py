"""Rendering a day's bulletins in worker processes, with progress, stale temp files cleaned
and every worker stopped with its parent."""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import BroadcastError
from ..files import atomic
from ..project.loader import Project
from ..render.renderer import KIND_ANNOUNCEMENT, Bulletin, Job, Renderer, Sources
from ..schedule.planner import Note

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    playlists: list[Path] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    fallbacks: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    written: int = 0
    #: station-days that were records and were kept as they were / rewritten on purpose
    kept: list[tuple[dt.date, str]] = field(default_factory=list)
    rebuilt: list[tuple[dt.date, str]] = field(default_factory=list)


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
