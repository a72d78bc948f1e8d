"""A station's day as playlist entries (jingles, announcements, bulletins) and as the
sessions and notes of its JSON running order."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..playlists.m3u8 import Entry
from ..render.jingles import JingleFile
from ..render.renderer import KIND_ANNOUNCEMENT, Bulletin
from ..schedule.planner import DayPlan, Session
from ..vocabulary import TIMEZONE

log = logging.getLogger(__name__)
TZ = ZoneInfo(TIMEZONE)


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
    versions: Mapping[str, str] | None = None,
) -> list[Entry]:
    """Timed entries: a station-ID jingle opens each session, a chime separates two
    bulletins, items follow back to back from the session's start. With
    ``announcement``, the station's "<name> xin thông báo." plays just before each
    rendered bulletin (the planner counted it in the item's duration); a queued
    emergency file has the station in its own header and plays as it is. ``versions``
    (script id -> the version that airs) names each bulletin's version in its entry."""
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
                duration, source_audio = item.duration_s, ""
            else:
                b = bulletins[item.script_id]
                path, title, engine, duration = b.path, b.title, b.engine, b.duration_s
                source_audio = b.source_audio
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
                    source_audio=source_audio,
                    version=(versions or {}).get(item.script_id, "") if item.file is None else "",
                    also=tuple(dict.fromkeys(src for src, _ in item.also if src != item.source)),
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
