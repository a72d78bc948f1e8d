"""Checks ``broadcast check`` runs on the schedule: windows, airtime limits, overruns.

Nothing here stops a build (the planner resolves overruns by its documented rule); the
point is that an officer sees, before the campaign starts, what the limits cannot hold:
a slot outside every window of a station, a session longer than its window or than
``limits.max_session``, more sessions than ``limits.max_sessions_per_day``, a campaign
on days ``limits.weekdays`` excludes. Durations are estimated from the text
(:func:`broadcast.schedule.planner.estimate_duration`), so this needs no audio.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from ..scripts import Script
from .model import Schedule
from .planner import Note, plan_day, slot_outside_windows

#: Plan at most this many days when checking (a year of campaigns is plenty).
MAX_DAYS = 366

Where = Callable[[str, tuple[Any, ...]], str]


def _campaign_days(schedule: Schedule) -> list[dt.date]:
    days: set[dt.date] = set()
    for c in schedule.campaigns:
        n = min((c.end - c.start).days + 1, MAX_DAYS)
        days.update(c.start + dt.timedelta(days=i) for i in range(max(0, n)))
    for o in schedule.oneoffs:
        days.add(o.date)
    return sorted(days)[:MAX_DAYS]


def window_warnings(schedule: Schedule, where: Where) -> list[str]:
    """A campaign slot that falls outside every window of a station it targets."""
    out = []
    for c in schedule.campaigns:
        for j, slot in enumerate(c.slots):
            bad = [
                sid
                for sid in schedule.resolve_targets(c.stations)
                if slot_outside_windows(schedule.stations[sid], slot.at, slot.session)
            ]
            if not bad:
                continue
            what = f"lúc {slot.at:%H:%M}" if slot.at else f"buổi {slot.session}"
            out.append(
                f"Chiến dịch '{c.id}': khung phát {what} nằm ngoài mọi khung giờ của "
                f"{', '.join(bad)}; ở các đài này khung phát đó sẽ không phát. "
                f"({where(c.id, ('slots', j))}; cách sửa: đổi giờ cho nằm trong khung giờ "
                "của đài, dùng 'session: sáng'/'chiều', hoặc thêm khung giờ cho đài)"
            )
    return out


_KIND = {
    "overrun": "buổi phát dài quá khung giờ/giới hạn",
    "moved": "bản tin phải dời sang buổi sau vì không đủ chỗ",
    "dropped": "bản tin bị bỏ vì không đủ chỗ",
    "sessions": "số buổi trong ngày vượt giới hạn",
    "weekday": "phát vào ngày giới hạn không cho phép",
    "no-session": "đài không có buổi phát phù hợp",
}


def limit_warnings(schedule: Schedule, scripts: dict[str, Script], where: Where) -> list[str]:
    """Plan every campaign day with estimated durations; group what the limits cannot hold."""
    groups: dict[tuple[str, str, str], list[Note]] = defaultdict(list)
    for day in _campaign_days(schedule):
        for note in plan_day(schedule, scripts, day).notes:
            if note.kind == "outside-window":
                continue  # reported once per slot by window_warnings
            groups[(note.source, note.kind, note.station_id)].append(note)
    out = []
    for (source, kind, sid), notes in sorted(groups.items()):
        days = sorted({n.day for n in notes})
        label = f"Chiến dịch '{source}'" if source else "Lịch phát"
        place = f" ({where(source, ())})" if source and where(source, ()) else ""
        st = schedule.stations[sid]
        lim = st.limits
        limits = []
        if lim.max_session is not None:
            limits.append(f"tối đa {lim.max_session / 60:g} phút một buổi")
        if lim.max_sessions_per_day is not None:
            limits.append(f"tối đa {lim.max_sessions_per_day} buổi một ngày")
        limit_text = f" Giới hạn của đài: {', '.join(limits)}." if limits else ""
        out.append(
            f"{label}, đài {sid}: {_KIND.get(kind, kind)} ở {len(days)} ngày "
            f"(từ {days[0]:%d/%m/%Y} đến {days[-1]:%d/%m/%Y}), ví dụ: {notes[0].text}."
            f"{limit_text} Thời lượng ước tính theo độ dài kịch bản; xem 'broadcast plan'.{place}"
        )
    return out
