"""Build days of playlists: plan, render what is missing, write playlists atomically.

Idempotent and safe under cron: one lock per output folder (a second run waits for the
first, then finds everything built and rewrites nothing that changed), and every file
is written to a temp file and renamed. A run killed with ``kill -9`` leaves the previous
playlist (or none) and, at worst, hidden ``.NAME.*.tmp*`` files that the next run
removes (in playlists/ at once; in bulletins/, jingles/ and the speech cache once they
are an hour old, since ``render`` and ``emergency`` write there without the lock).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from .errors import LockBusyError
from .estimate import Estimator
from .project import Project
from .render import Bulletin, Renderer, SpokenBulletin
from .report.asrun import AsRunLog, asrun_path
from .schedule.emergency import KEEP, load_queue
from .schedule.jingles import JingleFile, jingle_files
from .schedule.model import Station
from .schedule.planner import (
    DayPlan,
    Note,
    Planner,
    Session,
    requested_scripts,
)
from .schedule.playlists import Batch, Entry, write_playlist
from .scripts import Script
from .vocabulary import TIMEZONE

log = logging.getLogger(__name__)
TZ = ZoneInfo(TIMEZONE)
LOCK_NAME = ".broadcast.lock"
#: bulletins rendered at once; the encode is a child process, so this uses every core
RENDER_THREADS = max(1, min(4, os.cpu_count() or 1))


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


@contextmanager
def output_lock(out_dir: Path, timeout: float = 600, doing: str = "") -> Iterator[None]:
    """Hold the output folder's lock: one writer at a time (build, prune, emergency).

    Waiting longer than ``timeout`` becomes a LockBusyError that says what to do.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(Path(out_dir) / LOCK_NAME), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockBusyError(
            f"Một lần chạy khác đang ghi vào {out_dir} quá {timeout:.0f} giây{doing}",
            where=str(Path(out_dir) / LOCK_NAME),
            fix="đợi lần chạy kia xong rồi chạy lại; nếu không còn lần chạy nào, xóa tệp khóa này",
        ) from None
    try:
        yield
    finally:
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
) -> list[Entry]:
    """Timed entries: a station-ID jingle opens each session, a chime separates two
    bulletins, items follow back to back from the session's start."""
    entries: list[Entry] = []
    for sess in plan.sessions.get(station_id, []):
        if not sess.items:
            continue
        start = dt.datetime.combine(plan.day, sess.start, tzinfo=TZ)
        window = _window_text(sess)

        def jingle(
            j: JingleFile, at: dt.datetime, s: Session = sess, w: str | None = window
        ) -> Entry:
            return Entry(
                start=at,
                slot=s.start,
                path=j.path,
                duration_s=j.duration_s,
                title=j.title,
                script_id="",
                source="",
                priority="",
                directive="",
                engine="",
                kind="jingle",
                window=w,
            )

        for n, item in enumerate(sess.items):
            if jingles is not None:
                j = jingles[0] if n == 0 else jingles[1]
                entries.append(jingle(j, start))
                start += dt.timedelta(seconds=j.duration_s)
            if item.file is not None and out_dir is not None:
                path, title, engine = Path(out_dir) / item.file, item.title or "", "queued"
                duration = item.duration_s
            else:
                b = bulletins[item.script_id]
                path, title, engine, duration = b.path, b.title, b.engine, b.duration_s
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
        }
        for n in plan.notes_for(station_id)
    ]


#: A temp file this old outside the playlists is left over from a killed run: ``render``
#: and ``emergency`` write bulletins without the build lock, so a young one may be in use.
STALE_TEMP_S = 3600


def _clean_stale_temps(folder: Path, min_age_s: float = 0) -> None:
    """Temp files a killed run left behind (never the published files)."""
    if not folder.is_dir():
        return
    now = time.time()
    for tmp in folder.glob(".*.tmp*"):
        try:
            if min_age_s and now - tmp.stat().st_mtime < min_age_s:
                continue
            tmp.unlink()
        except OSError:
            pass


def _clean_stale_media_temps(out_dir: Path) -> None:
    """Half-written bulletins, jingles and speech a ``kill -9`` left (hidden, never played)."""
    folders = [out_dir / "jingles"]
    for pattern in ("bulletins/*", "cache/speech/*/*"):
        folders.extend(p for p in out_dir.glob(pattern) if p.is_dir())
    for folder in folders:
        _clean_stale_temps(folder, STALE_TEMP_S)


def _render_all(
    renderer: Renderer,
    project: Project,
    jobs: list[tuple[str, str]],
    day: dt.date,
    progress: Callable[[str], None] | None,
    result: BuildResult,
) -> dict[tuple[str, str], Bulletin]:
    """Render every (station, script) of a day: speech in order, files on a few threads.

    Speech is made in job order on this thread (eSpeak NG's output depends on the calls
    before it, so a fixed order makes every run give the same audio, and online engines
    are asked one request at a time). Assembly, loudness and the MP3 encode (numpy and
    an ffmpeg child process, outside the GIL) run on RENDER_THREADS threads, a chunk of
    jobs at a time so that the speech waiting in memory stays small.
    """
    sched = project.schedule
    bulletins: dict[tuple[str, str], Bulletin] = {}
    chunk = RENDER_THREADS * 4
    with ThreadPoolExecutor(max_workers=RENDER_THREADS, thread_name_prefix="render") as pool:
        for first in range(0, len(jobs), chunk):
            part = jobs[first : first + chunk]
            spoken = [
                renderer.speak(project.scripts[script_id], sched.stations[sid])
                for sid, script_id in part
            ]
            futures = [
                pool.submit(renderer.produce, s) if isinstance(s, SpokenBulletin) else None
                for s in spoken
            ]
            for job, s, fut in zip(part, spoken, futures, strict=True):
                b = fut.result() if fut is not None else s
                assert isinstance(b, Bulletin)
                if progress:
                    progress(f"{day} {job[0]}: {job[1]}")
                bulletins[job] = b
                if b.cached:
                    result.reused += 1
                else:
                    result.rendered += 1
                    if b.fallbacks:
                        result.fallbacks.append(f"{job[0]}/{b.script_id}: {b.engine}")
    return bulletins


def build(
    project: Project,
    out_dir: Path,
    start: dt.date,
    days: int = 1,
    stations: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    lock_timeout: float = 600,
) -> BuildResult:
    out_dir = Path(out_dir)
    result = BuildResult()
    sched = project.schedule
    wanted = stations or list(sched.stations)
    with output_lock(out_dir, lock_timeout):
        _clean_stale_media_temps(out_dir)
        renderer = Renderer(project, out_dir)
        asrun = AsRunLog(asrun_path(out_dir))
        since = dt.datetime.combine(start, dt.time(0), tzinfo=TZ) - KEEP
        queued = load_queue(out_dir, since=since)
        jingle_cache: dict[str, tuple[JingleFile, JingleFile]] = {}
        rendered: dict[tuple[str, str], Bulletin] = {}
        estimate = Estimator(project, out_dir, renderer)

        def real(station: Station, script: Script) -> float:
            # The planner may look at days this run does not render (the fairness
            # ledger's earlier days, yesterday for a queued emergency): measure those.
            b = rendered.get((station.id, script.id))
            return b.duration_s if b is not None else estimate(station, script)

        def jingle_s(station: Station) -> tuple[float, float]:
            if station.id not in jingle_cache:
                jingle_cache[station.id] = jingle_files(project.root, station, out_dir)
            ident, between = jingle_cache[station.id]
            return ident.duration_s, between.duration_s

        planner = Planner(sched, project.scripts, real, jingle_s, queued)
        for offset in range(days):
            day = start + dt.timedelta(days=offset)
            wanted_scripts = requested_scripts(sched, project.scripts, day)
            jobs = [(sid, script_id) for sid in wanted for script_id in wanted_scripts.get(sid, [])]
            bulletins = _render_all(renderer, project, jobs, day, progress, result)
            for sid in wanted:
                if sid not in jingle_cache:
                    jingle_cache[sid] = jingle_files(project.root, sched.stations[sid], out_dir)

            rendered.update(bulletins)
            plan = planner.plan(day, wanted)
            result.notes.extend(plan.notes)
            folder = playlist_path(out_dir, day, "x").parent
            _clean_stale_temps(folder)
            batch = Batch()
            paths = []
            for sid in wanted:
                station = sched.stations[sid]
                path = playlist_path(out_dir, day, sid)
                own = {k[1]: b for k, b in bulletins.items() if k[0] == sid}
                changed = write_playlist(
                    entries_for(plan, sid, own, jingle_cache[sid], out_dir),
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
            batch.commit()
            for path in paths:
                asrun.record_running_order(path.with_suffix(".json"))
                result.playlists.append(path)
    return result
