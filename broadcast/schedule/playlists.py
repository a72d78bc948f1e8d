"""Playlists operators load: extended M3U (UTF-8, .m3u8) and a JSON running order.

Paths in the M3U are relative to the playlist, with forward slashes, so a folder copied
to another machine or a USB stick still plays.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import atomic


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


def render_m3u8(entries: list[Entry], playlist_path: Path, title: str) -> str:
    lines = ["#EXTM3U", f"#PLAYLIST:{title}"]
    for e in entries:
        rel = os.path.relpath(e.path, playlist_path.parent).replace(os.sep, "/")
        lines.append(f"#EXTINF:{round(e.duration_s)},{e.title} ({e.start:%H:%M})")
        lines.append(rel)
    return "\n".join(lines) + "\n"


def render_running_order(entries: list[Entry], playlist_path: Path, station: dict[str, str],
                         day: dt.date) -> str:
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
        })
    doc = {"date": day.isoformat(), "station": station, "timezone": "Asia/Ho_Chi_Minh",
           "items": items}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def write_playlist(entries: list[Entry], playlist_path: Path, title: str,
                   station: dict[str, str], day: dt.date) -> None:
    """Write the .m3u8 and the .json running order beside it, each atomically."""
    atomic.write_text(playlist_path.with_suffix(".json"),
                      render_running_order(entries, playlist_path, station, day))
    atomic.write_text(playlist_path, render_m3u8(entries, playlist_path, title))
