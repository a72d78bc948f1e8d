"""Playlists operators load: extended M3U (UTF-8, .m3u8) and a JSON running order.

Paths in the M3U are relative to the playlist, with forward slashes, so a folder copied
to another machine or a USB stick still plays.

The JSON running order is read by the as-run log and the preview page; its schema is
stable (README, "Lịch phát / Scheduling"): keys are only ever added, never renamed.

    {"date", "station": {"id", "name", "kind"}, "commune", "timezone",  # commune: 2026-12
     "items": [{"start", "slot", "end", "duration_s", "file", "title", "script", "source",
                "priority", "directive", "engine", "kind",          # schema 1
                "at", "moved_from", "window",                       # added in schema 2
                "size", "sha256",                                   # 2026-12, optional
                "voice", "source_audio",                            # recordings only
                "version",                                          # 2026-12, bulletins
                "also"}],                                           # 2026-12, shared only
     "sessions": [{"start", "end", "window", "capacity_s", "used_s", "overrun_s"}],
     "notes": [{"kind", "slot", "source", "script", "text",
                "lost", "rule"}], "schema": 2}                      # lost, rule: 2026-11

A note's ``lost`` (bool) says a requested bulletin does not air that day because of it;
``rule`` names the planner rule that wrote it (:data:`broadcast.schedule.notes.RULES`,
where its fix is). Files written before they were added have neither: readers take
``lost`` false and ``rule`` "".

An item's ``kind`` is "bulletin", "jingle" (station ID at a session's start, a chime
between two bulletins) or "announcement" (the station's "<name> xin thông báo." just
before each bulletin); only bulletins have ``script``, ``source`` and ``directive`` (empty
strings otherwise).

A bulletin that airs a recording (``recording:`` in its script, issue 20) has ``engine``
"recording" and two more keys, ``voice`` ("recording") and ``source_audio`` (the
recording's file name in scripts/); other items leave them out, so a day with no
recording is written exactly as before.

A bulletin has ``version`` (issue 18): the hash of the script version that airs
(:mod:`broadcast.project.versions`; with ``approval: required`` the approved one, which may
be older than the file on disk). Files written before have none: readers take "".

A bulletin that meets the requests of several campaigns or one-offs at once (planner rule
8: one airing, credited to each) names the others in ``also`` (2026-12, a list of their
ids); ``source`` stays the first. Other items leave it out.

``commune`` (2026-12, optional) is the commune's name as ``schedules/stations.yaml`` had it
when the day was built: a report of that day prints it, not today's. Files written before
have none: readers take "" and the report falls back to today's name, saying so.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import atomic
from ..files.controls import one_line
from ..files.digest import file_digest

SCHEMA = 2


@dataclass(frozen=True)
class Entry:
    start: dt.datetime
    slot: dt.time
    path: Path
    duration_s: float
    title: str
    script_id: str
    source: str
    priority: str
    directive: str
    engine: str
    kind: str = "bulletin"
    at: dt.time | None = None
    moved_from: dt.time | None = None
    window: str | None = None
    #: the recording a recorded bulletin airs (file name), "" otherwise
    source_audio: str = ""
    #: the version of the script that airs (content hash, issue 18), "" if unknown
    version: str = ""
    #: other campaigns or one-offs whose request this one airing also meets (planner rule 8)
    also: tuple[str, ...] = ()


_REL: dict[tuple[Path, Path], str] = {}


def relative(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` with forward slashes (memoized: a province's
    playlists name the same few jingles and bulletins thousands of times)."""
    key = (path, folder)
    rel = _REL.get(key)
    if rel is None:
        if len(_REL) > 100_000:
            _REL.clear()
        rel = _REL[key] = os.path.relpath(path, folder).replace(os.sep, "/")
    return rel


def render_m3u8(entries: list[Entry], playlist_path: Path, title: str) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(title)}"]
    folder = playlist_path.parent
    for e in entries:
        rel = relative(e.path, folder)
        lines.append(f"#EXTINF:{round(e.duration_s)},{one_line(e.title)} ({e.start:%H:%M})")
        lines.append(rel)
    return "\n".join(lines) + "\n"


def _hm(t: dt.time | None) -> str | None:
    return None if t is None else t.strftime("%H:%M")


def _digest(path: Path) -> dict[str, Any]:
    """``size`` and ``sha256`` of an item's file (added 2026-12, schema 2 still: keys are
    only added): the daemon checks them before it plays. Left out for a file not there."""
    try:
        size, sha = file_digest(path)
    except OSError:
        return {}
    return {"size": size, "sha256": sha}


def render_running_order(
    entries: list[Entry],
    playlist_path: Path,
    station: dict[str, str],
    day: dt.date,
    sessions: list[dict[str, Any]] | None = None,
    notes: list[dict[str, Any]] | None = None,
    commune: str = "",
) -> str:
    items = []
    folder = playlist_path.parent
    for e in entries:
        items.append(
            {
                "start": e.start.isoformat(),
                "slot": e.slot.strftime("%H:%M"),
                "end": (e.start + dt.timedelta(seconds=e.duration_s)).isoformat(),
                "duration_s": e.duration_s,
                "file": relative(e.path, folder),
                "title": e.title,
                "script": e.script_id,
                "source": e.source,
                "priority": e.priority,
                "directive": e.directive,
                "engine": e.engine,
                "kind": e.kind,
                "at": _hm(e.at),
                "moved_from": _hm(e.moved_from),
                "window": e.window,
                **_digest(e.path),
                **(
                    {"voice": "recording", "source_audio": e.source_audio} if e.source_audio else {}
                ),
                **({"version": e.version} if e.version else {}),
                **({"also": list(e.also)} if e.also else {}),
            }
        )
    head: dict[str, Any] = {"date": day.isoformat(), "station": station}
    if commune:
        head["commune"] = commune  # the heading a report of this day prints (issue 18)
    head["timezone"] = "Asia/Ho_Chi_Minh"
    # One item a line: readable and diffable, and json's C encoder (indent= is pure Python,
    # too slow for a province's 10,000 playlists a day).
    parts = [json.dumps(head, ensure_ascii=False)[:-1]]
    for key, rows in (("items", items), ("sessions", sessions or []), ("notes", notes or [])):
        body = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in rows)
        parts.append(f' "{key}": [\n  {body}\n ]' if rows else f' "{key}": []')
    return ",\n".join(parts) + f',\n "schema": {SCHEMA}\n}}\n'


class Batch:
    """Publish many files at once, each atomically: temp files, fsync, renames.

    Same guarantee as :mod:`broadcast.files.atomic` (a reader or a crash sees the old file or
    the new one, never half of one). Only what this batch wrote is flushed: each temp
    file, then each folder after the renames; never ``os.sync()`` (the whole machine's
    buffers, other programs' included), and nothing at all when nothing changed (a warm
    rebuild). Temp files are named ``.NAME.PID.tmp``; ``build`` removes those a killed
    run left.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[Path, bytes]] = []

    def add(self, path: Path, text: str) -> None:
        self.pending.append((Path(path), text.encode("utf-8")))

    def commit(self) -> None:
        if not self.pending:
            return
        staged: list[tuple[Path, Path]] = []
        folders: set[Path] = set()
        pid = os.getpid()
        # All or nothing: a folder where a playlist goes would fail its rename after the
        # others were published, leaving a day half old, half new.
        for path, _ in self.pending:
            if path.is_dir():
                self.pending = []
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        try:
            for path, data in self.pending:
                if path.parent not in folders:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    folders.add(path.parent)
                tmp = path.with_name(f".{path.name}.{pid}.tmp")
                staged.append((tmp, path))
                with open(tmp, "wb") as fh:
                    fh.write(data)
            _fsync_all([tmp for tmp, _ in staged])
            for tmp, path in staged:
                os.replace(tmp, path)
            _fsync_all(sorted(folders))
        finally:
            for tmp, _ in staged:
                if tmp.exists():
                    tmp.unlink()
            self.pending = []


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_all(paths: list[Path]) -> None:
    """fsync each path; many at once on a few threads (the disk queues them together,
    so a province's 20,000 files take about what a few hundred would one by one)."""
    if len(paths) < 64:
        for path in paths:
            _fsync(path)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=16, thread_name_prefix="fsync") as pool:
        list(pool.map(_fsync, paths))


def _write_if_changed(path: Path, text: str, batch: Batch | None = None) -> bool:
    try:
        if path.read_text("utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    if batch is not None:
        batch.add(path, text)
    else:
        atomic.write_text(path, text)
    return True


def write_playlist(
    entries: list[Entry],
    playlist_path: Path,
    title: str,
    station: dict[str, str],
    day: dt.date,
    sessions: list[dict[str, Any]] | None = None,
    notes: list[dict[str, Any]] | None = None,
    batch: Batch | None = None,
    commune: str = "",
) -> bool:
    """Write the .m3u8 and the .json running order beside it, each atomically (now, or
    when ``batch`` is committed).

    A file whose content would not change is left alone (cron reruns touch nothing).
    Returns whether anything was (or will be) written.
    """
    a = _write_if_changed(
        playlist_path.with_suffix(".json"),
        render_running_order(entries, playlist_path, station, day, sessions, notes, commune),
        batch,
    )
    b = _write_if_changed(playlist_path, render_m3u8(entries, playlist_path, title), batch)
    return a or b
