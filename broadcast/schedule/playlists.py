"""Playlists operators load: extended M3U (UTF-8, .m3u8) and a JSON running order.

Paths in the M3U are relative to the playlist, with forward slashes, so a folder copied
to another machine or a USB stick still plays.

The JSON running order is read by the as-run log and the preview page; its schema is
stable (README, "Lịch phát / Scheduling"): keys are only ever added, never renamed.

    {"date", "station": {"id", "name", "kind"}, "timezone",
     "items": [{"start", "slot", "end", "duration_s", "file", "title", "script", "source",
                "priority", "directive", "engine", "kind",          # schema 1
                "at", "moved_from", "window"}],                     # added in schema 2
     "sessions": [{"start", "end", "window", "capacity_s", "used_s", "overrun_s"}],
     "notes": [{"kind", "slot", "source", "script", "text"}], "schema": 2}

``kind`` is "bulletin" or "jingle" (station ID at a session's start, a chime between two
bulletins; their ``script``, ``source`` and ``directive`` are empty strings).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import atomic

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


def render_m3u8(entries: list[Entry], playlist_path: Path, title: str) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{title}"]
    for e in entries:
        rel = os.path.relpath(e.path, playlist_path.parent).replace(os.sep, "/")
        lines.append(f"#EXTINF:{round(e.duration_s)},{e.title} ({e.start:%H:%M})")
        lines.append(rel)
    return "\n".join(lines) + "\n"


def _hm(t: dt.time | None) -> str | None:
    return None if t is None else t.strftime("%H:%M")


def render_running_order(entries: list[Entry], playlist_path: Path, station: dict[str, str],
                         day: dt.date, sessions: list[dict[str, Any]] | None = None,
                         notes: list[dict[str, Any]] | None = None) -> str:
    items = []
    for e in entries:
        items.append({
            "start": e.start.isoformat(),
            "slot": e.slot.strftime("%H:%M"),
            "end": (e.start + dt.timedelta(seconds=e.duration_s)).isoformat(),
            "duration_s": e.duration_s,
            "file": os.path.relpath(e.path, playlist_path.parent).replace(os.sep, "/"),
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
        })
    doc = {"date": day.isoformat(), "station": station, "timezone": "Asia/Ho_Chi_Minh",
           "items": items, "sessions": sessions or [], "notes": notes or [],
           "schema": SCHEMA}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _write_if_changed(path: Path, text: str) -> bool:
    try:
        if path.read_text("utf-8") == text:
            return False
    except (OSError, UnicodeDecodeError):
        pass
    atomic.write_text(path, text)
    return True


def write_playlist(entries: list[Entry], playlist_path: Path, title: str,
                   station: dict[str, str], day: dt.date,
                   sessions: list[dict[str, Any]] | None = None,
                   notes: list[dict[str, Any]] | None = None) -> bool:
    """Write the .m3u8 and the .json running order beside it, each atomically.

    A file whose content would not change is left alone (cron reruns touch nothing).
    Returns whether anything was written.
    """
    a = _write_if_changed(playlist_path.with_suffix(".json"), render_running_order(
        entries, playlist_path, station, day, sessions, notes))
    b = _write_if_changed(playlist_path, render_m3u8(entries, playlist_path, title))
    return a or b
