"""Build days of playlists: plan, render what is missing, write playlists atomically.

Idempotent and safe under cron: one lock per output folder (a second run waits for the
first, then finds everything built and rewrites nothing that changed), and every file
is written to a temp file and renamed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from .errors import LockBusyError
from .project import Project
from .render import Bulletin, Renderer
from .report.asrun import AsRunLog, asrun_path
from .schedule.model import TIMEZONE
from .schedule.planner import DayPlan, plan_day
from .schedule.playlists import Entry, write_playlist

log = logging.getLogger(__name__)
TZ = ZoneInfo(TIMEZONE)
LOCK_NAME = ".broadcast.lock"


@dataclass
class BuildResult:
    playlists: list[Path] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    fallbacks: list[str] = field(default_factory=list)


def playlist_path(out_dir: Path, day: dt.date, station_id: str) -> Path:
    return Path(out_dir) / "playlists" / day.isoformat() / f"{station_id}.m3u8"


def output_lock(out_dir: Path, timeout: float = 600) -> FileLock:
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    return FileLock(str(Path(out_dir) / LOCK_NAME), timeout=timeout)


def entries_for(plan: DayPlan, station_id: str, bulletins: dict[str, Bulletin]) -> list[Entry]:
    """Timed entries: each slot starts at its time; items follow back to back."""
    entries: list[Entry] = []
    for slot, items in plan.slots(station_id).items():
        start = dt.datetime.combine(plan.day, slot, tzinfo=TZ)
        for item in items:
            b = bulletins[item.script_id]
            entries.append(Entry(
                start=start, slot=slot, path=b.path, duration_s=b.duration_s, title=b.title,
                script_id=item.script_id, source=item.source, priority=item.priority.value,
                directive=item.directive, engine=b.engine,
            ))
            start += dt.timedelta(seconds=b.duration_s)
    return entries


def build(project: Project, out_dir: Path, start: dt.date, days: int = 1,
          stations: list[str] | None = None,
          progress: Callable[[str], None] | None = None,
          lock_timeout: float = 600) -> BuildResult:
    out_dir = Path(out_dir)
    result = BuildResult()
    sched = project.schedule
    wanted = stations or list(sched.stations)
    try:
        with output_lock(out_dir, lock_timeout):
            renderer = Renderer(project, out_dir)
            asrun = AsRunLog(asrun_path(out_dir))
            for offset in range(days):
                day = start + dt.timedelta(days=offset)
                plan = plan_day(sched, project.scripts, day)
                for sid in wanted:
                    station = sched.stations[sid]
                    bulletins: dict[str, Bulletin] = {}
                    for item in plan.stations.get(sid, []):
                        if item.script_id in bulletins:
                            continue
                        if progress:
                            progress(f"{day} {sid}: {item.script_id}")
                        b = renderer.render(project.scripts[item.script_id], station)
                        bulletins[item.script_id] = b
                        if b.cached:
                            result.reused += 1
                        else:
                            result.rendered += 1
                            if b.fallbacks:
                                result.fallbacks.append(f"{sid}/{b.script_id}: {b.engine}")
                    path = playlist_path(out_dir, day, sid)
                    write_playlist(
                        entries_for(plan, sid, bulletins), path,
                        title=f"{station.name} — {day:%d/%m/%Y}",
                        station={"id": sid, "name": station.name, "kind": station.kind},
                        day=day,
                    )
                    asrun.record_running_order(path.with_suffix(".json"))
                    result.playlists.append(path)
    except Timeout:
        raise LockBusyError(
            f"Một lần chạy khác đang ghi vào {out_dir} quá {lock_timeout:.0f} giây",
            where=str(out_dir / LOCK_NAME),
            fix="đợi lần chạy kia xong rồi chạy lại; nếu không còn lần chạy nào, xóa tệp khóa này",
        ) from None
    return result
