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
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..emergency.queue import KEEP, load_queue
from ..files import faults
from ..playlists.m3u8 import Batch, Entry, relative, write_playlist
from ..project.loader import Project
from ..project.schedule import Station
from ..project.scripts import Script
from ..render.jingles import JingleFile, jingle_files
from ..render.renderer import Bulletin, Renderer
from ..report.asrun import asrun_path, open_for_build
from ..schedule.estimate import Estimator
from ..schedule.planner import Planner, requested_scripts
from ..vocabulary import TIMEZONE, today
from .entries import entries_for, note_docs, session_docs
from .lock import LOCK_NAME, LOCK_OWNER, output_lock
from .pool import (
    BuildResult,
    DayRender,
    RenderPool,
    RenderProgress,
    _clean_stale_media_temps,
    _clean_stale_temps,
    _render_all,
    default_jobs,
)
from .verify import order_damaged, remove_damaged, restamp

__all__ = [  # older imports of these names from here keep working
    "LOCK_NAME",
    "LOCK_OWNER",
    "BuildResult",
    "DayRender",
    "RenderPool",
    "RenderProgress",
    "build",
    "default_jobs",
    "entries_for",
    "note_docs",
    "output_lock",
    "playlist_path",
    "session_docs",
]
log = logging.getLogger(__name__)
TZ = ZoneInfo(TIMEZONE)


def playlist_path(out_dir: Path, day: dt.date, station_id: str) -> Path:
    return Path(out_dir) / "playlists" / day.isoformat() / f"{station_id}.m3u8"


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
    keep_records: bool = False,
    rebuild_reason: str | None = None,
) -> BuildResult:
    """Build ``days`` days from ``start``: render what is missing on ``jobs`` processes
    (default: every core), then publish every station's playlists.

    With ``keep_records`` (``broadcast build``, the console's build), a station-day that is
    a record (:func:`is_record`) is kept as it is and listed in ``result.kept``; with a
    ``rebuild_reason`` instead it is rewritten and the as-run log says who did it and why.
    """
    out_dir = Path(out_dir)
    result = BuildResult()
    sched = project.schedule
    wanted = stations or list(sched.stations)
    with output_lock(out_dir, lock_timeout):
        _clean_stale_media_temps(out_dir)
        renderer = Renderer(project, out_dir)
        _leave_out_broken_recordings(project, renderer)
        pool = RenderPool(renderer, jobs or default_jobs())
        try:
            used = _build_days(
                project,
                out_dir,
                start,
                days,
                wanted,
                progress,
                bar,
                renderer,
                pool,
                result,
                keep_records=keep_records,
                rebuild_reason=rebuild_reason,
            )
            for _ in range(MAX_QUEUE_ROUNDS):
                fresh = _queued_meanwhile(out_dir, start, days, wanted, used)
                if not fresh:
                    break
                for day, sids in sorted(fresh.items()):
                    again = BuildResult()
                    used |= _build_days(
                        project,
                        out_dir,
                        day,
                        1,
                        sids,
                        progress,
                        bar,
                        renderer,
                        pool,
                        again,
                        keep_records=keep_records,
                        rebuild_reason=None,
                    )
                    _merge_rebuilt(result, again, day, sids)
        finally:
            pool.close()
    return result


#: How many times a build looks again for emergencies queued while it ran (each look
#: rebuilds only the station-days they reach; a new one during that is seen next round).
MAX_QUEUE_ROUNDS = 3


def _queued_meanwhile(
    out_dir: Path, start: dt.date, days: int, wanted: list[str], used: set[str]
) -> dict[dt.date, list[str]]:
    """Station-days of this build that an emergency queued after it planned them may
    reach (its day or the next): those are planned again (issue 22: an emergency queued
    while a build runs airs exactly once; the build includes it, or the daemon plays it
    from the queue and skips the playlist's copy)."""
    since = dt.datetime.combine(start, dt.time(0), tzinfo=TZ) - KEEP
    out: dict[dt.date, set[str]] = {}
    built = {start + dt.timedelta(days=i) for i in range(days)}
    for q in load_queue(out_dir, since=since):
        if q.id in used:
            continue
        made = q.created.astimezone(TZ).date()
        for day in (made, made + dt.timedelta(days=1)):
            if day in built:
                out.setdefault(day, set()).update(s for s in q.stations if s in wanted)
        used.add(q.id)
    return {d: [s for s in wanted if s in sids] for d, sids in out.items() if sids}


def _merge_rebuilt(result: BuildResult, again: BuildResult, day: dt.date, sids: list[str]) -> None:
    """Fold a re-planned station-day into the build's result: its notes replace the
    first ones, its counts add up, no playlist is listed twice."""
    redone = set(sids)
    result.notes = [n for n in result.notes if not (n.day == day and n.station_id in redone)]
    result.notes.extend(again.notes)
    result.written += again.written
    result.rendered += again.rendered
    result.reused += again.reused
    result.fallbacks.extend(f for f in again.fallbacks if f not in result.fallbacks)
    result.playlists.extend(p for p in again.playlists if p not in result.playlists)


def _leave_out_broken_recordings(project: Project, renderer: Renderer) -> None:
    """A script whose recording is missing, undecodable or silent does not air, and the
    build goes on without it: it joins ``project.skipped`` (the CLI names it and exits 2),
    as a script with an error does, so one bad file leaves no station without its day."""
    from ..errors import BroadcastError

    for sid, script in list(project.scripts.items()):
        if script.recording is None:
            continue
        try:
            renderer.recording_audio(script)
        except BroadcastError as exc:
            del project.scripts[sid]
            project.skipped.append(exc)


def is_record(out_dir: Path, day: dt.date, station_id: str, asrun: Any, now: dt.date) -> bool:
    """Whether ``station_id``'s built ``day`` is a record that a build must not rewrite:
    its running order exists and the day has begun in the stations' time zone, or
    something of it is in the as-run log. A day never built is not a record."""
    if not playlist_path(out_dir, day, station_id).with_suffix(".json").is_file():
        return False
    return day <= now or asrun.has_plays(day, station_id)


def _who() -> str:
    """The person running the command, for the as-run log's list of rewrites."""
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # no login name in a container or under some services
        return "?"


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
    *,
    keep_records: bool = False,
    rebuild_reason: str | None = None,
) -> set[str]:
    """Build the days; returns the ids of the queued emergencies they were planned with."""
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

    planner = Planner(sched, project.scripts, real, jingle_s, queued, project.withheld)
    versions = {script_id: s.version for script_id, s in project.scripts.items()}
    now = today()
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        records = {sid for sid in wanted if is_record(out_dir, day, sid, asrun, now)}
        for sid in sorted(records):
            why = order_damaged(playlist_path(out_dir, day, sid))
            if why is None:
                continue
            # a damaged record cannot be kept: made again, and the rewrite is on record
            records.discard(sid)
            log.warning(
                "Danh sách phát ngày %s của đài %s hỏng (%s): làm lại (nhật ký phát sóng ghi "
                "lần làm lại này).",
                day.strftime("%d/%m/%Y"),
                sid,
                why,
            )
            asrun.record_rebuild(day, sid, _who(), f"danh sách phát hỏng: {why}")
            result.rebuilt.append((day, sid))
        if keep_records or rebuild_reason is not None:
            for sid in sorted(records):
                if rebuild_reason is not None:
                    asrun.record_rebuild(day, sid, _who(), rebuild_reason)
                    result.rebuilt.append((day, sid))
                else:
                    result.kept.append((day, sid))
        frozen = records if keep_records and rebuild_reason is None else set()
        wanted_scripts = requested_scripts(sched, project.scripts, day)
        damaged = remove_damaged(out_dir, day, wanted)
        pairs = [
            (sid, script_id)
            for sid in wanted
            if sid not in frozen
            for script_id in wanted_scripts.get(sid, [])
        ]
        # a kept day's damaged files are made again as they were (same script, same path)
        pairs += [
            (sid, script_id)
            for sid in sorted(frozen & set(damaged))
            for script_id in sorted(damaged[sid])
            if script_id in project.scripts
        ]
        made = _render_all(renderer, pool, project, pairs, day, progress, result, bar)
        for sid in wanted:
            jingle_s(sched.stations[sid])
        rendered.update(made.bulletins)
        announced.update(made.announcements)
        plan = planner.plan(day, wanted)
        faults.hit("build.planned")  # tests queue an emergency here, mid-build
        # a campaign item that airs another script of its pool instead of a repeat (the
        # planner's rule 8) may name one not requested: render it now
        extra = sorted(
            {
                (sid, item.script_id)
                for sid in wanted
                if sid not in frozen
                for item in plan.items(sid)
                if item.file is None and (sid, item.script_id) not in made.bulletins
            }
        )
        if extra:
            more = _render_all(renderer, pool, project, extra, day, progress, result, bar)
            made.bulletins.update(more.bulletins)
            made.announcements.update(more.announcements)
            rendered.update(more.bulletins)
            announced.update(more.announcements)
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
            if sid in frozen:
                # kept as it is; a log that lost its rows (moved aside, a crash between
                # publishing and recording) gets them back from the frozen running order
                paths.append(path)
                if sid in damaged:
                    restamp(path.with_suffix(".json"), out_dir)
                if sid not in recorded:
                    to_record.append(path)
                continue
            entries = entries_for(
                plan,
                sid,
                by_station.get(sid, {}),
                jingle_cache[sid],
                out_dir,
                announcement=made.announcements.get(sid),
                versions=versions,
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
                commune=sched.commune,
            )
            result.written += int(changed)
            paths.append(path)
            if changed or recorded.get(sid) != _fingerprint(entries, path.parent):
                to_record.append(path)
        batch.commit()
        for path in to_record:
            asrun.record_running_order(path.with_suffix(".json"))
        result.playlists.extend(paths)
    return {q.id for q in queued}
