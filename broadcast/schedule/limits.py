"""Checks ``broadcast check`` runs on the schedule: windows, airtime limits, reach.

Nothing here stops a build (the planner resolves overruns by its documented rules); the
point is that an officer sees, before the campaign starts, what the limits cannot hold:
a slot outside every window of a station, bulletins moved or dropped for room, a script
longer than any session of a station that should air it, a campaign on days
``limits.weekdays`` excludes, and a campaign or one-off that can never air at all (no
valid script on its days, no station, every slot outside the windows). Overlapping
windows are refused when the schedule is loaded (:class:`broadcast.project.schedule.Station`).
Durations come from ``durations`` (``check`` measures the spoken text,
:mod:`broadcast.schedule.estimate`), or from the word count when none is given.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..files.sources import YamlDoc, load_yaml
from ..project.loader import Project
from ..project.schedule import Schedule
from ..project.scripts import Script
from .notes import RULES
from .planner import SESSION_WORDS, DayPlan, Durations, Note, Planner, slot_outside_windows

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
            what = (
                f"lúc {slot.at:%H:%M}"
                if slot.at
                else f"buổi {SESSION_WORDS.get(slot.session or '', slot.session)}"
            )
            out.append(
                f"Chiến dịch '{c.id}': khung phát {what} nằm ngoài mọi khung giờ của "
                f"{', '.join(bad)}; ở các đài này khung phát đó sẽ không phát. "
                f"({where(c.id, ('slots', j))}; cách sửa: đổi giờ cho nằm trong khung giờ "
                "của đài, dùng 'session: sáng'/'chiều', hoặc thêm khung giờ cho đài)"
            )
    return out


_KIND = {
    "too-long": "kịch bản dài hơn mọi buổi của đài, không bao giờ phát được",
    "invalid": "kịch bản hết hiệu lực vào ngày phát",
    "clash": "hai bản tin ưu tiên tranh nhau một buổi",
    "overrun": "buổi phát dài quá khung giờ/giới hạn",
    "moved": "bản tin phải dời sang buổi sau vì không đủ chỗ",
    "dropped": "bản tin bị bỏ vì không đủ chỗ",
    "sessions": "số buổi trong ngày vượt giới hạn",
    "weekday": "phát vào ngày giới hạn không cho phép",
    "no-session": "đài không có buổi phát phù hợp",
}


def campaign_plans(
    schedule: Schedule, scripts: dict[str, Script], durations: Durations | None = None
) -> list[DayPlan]:
    """Every day any campaign or one-off asks for, planned in order (at most MAX_DAYS)."""
    planner = Planner(schedule, scripts, durations)
    return [planner.plan(day) for day in _campaign_days(schedule)]


def limit_warnings(
    schedule: Schedule,
    scripts: dict[str, Script],
    where: Where,
    durations: Durations | None = None,
    plans: list[DayPlan] | None = None,
) -> list[str]:
    """Plan every campaign day; group what the limits cannot hold."""
    if plans is None:
        plans = campaign_plans(schedule, scripts, durations)
    groups: dict[tuple[str, str, str], list[Note]] = defaultdict(list)
    for plan in plans:
        for note in plan.notes:
            if note.kind == "outside-window":
                continue  # reported once per slot by window_warnings
            groups[(note.source, note.kind, note.station_id)].append(note)
    measured = "đo từ lời đọc" if durations is not None else "ước tính theo độ dài kịch bản"
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
        rule = RULES.get(notes[0].rule)
        fix = f" Cách sửa: {rule.fix}." if rule is not None and rule.fix else ""
        out.append(
            f"{label}, đài {sid}: {_KIND.get(kind, kind)} ở {len(days)} ngày "
            f"(từ {days[0]:%d/%m/%Y} đến {days[-1]:%d/%m/%Y}), ví dụ: {notes[0].text}."
            f"{limit_text}{fix} Thời lượng {measured}; xem 'broadcast plan'.{place}"
        )
    return out


def reach_warnings(schedule: Schedule, plans: list[DayPlan], where: Where) -> list[str]:
    """A campaign or one-off that airs nowhere on any of its days: say why and where."""
    aired = {i.source for p in plans for items in p.stations.values() for i in items}
    kinds: dict[str, set[str]] = defaultdict(set)
    for p in plans:
        for n in p.notes:
            kinds[n.source].add(n.kind)
    out = []
    for c in sorted(schedule.campaigns, key=lambda c: c.id):
        if c.id in aired:
            continue
        targets = schedule.resolve_targets(c.stations)
        if not targets:
            why, field, fix = (
                "không nhắm tới đài nào",
                ("stations",),
                "ghi mã đài hoặc tên nhóm có trong stations.yaml",
            )
        elif "invalid" in kinds[c.id]:
            why, field, fix = (
                "không kịch bản nào của nó còn hiệu lực trong những ngày phát",
                ("scripts",),
                "sửa valid_from/valid_until của kịch bản, hoặc đổi 'from'/'until' của chiến dịch",
            )
        elif "too-long" in kinds[c.id]:
            why, field, fix = (
                "kịch bản dài hơn mọi buổi của các đài",
                ("scripts",),
                "rút ngắn kịch bản, giảm 'repeat' của đài, hoặc tăng khung giờ/limits.max_session",
            )
        elif kinds[c.id] & {"outside-window", "no-session"}:
            why, field, fix = (
                "mọi khung phát nằm ngoài khung giờ của các đài",
                ("slots",),
                "đổi giờ cho nằm trong khung giờ của đài, hoặc dùng 'session: sáng'/'chiều'",
            )
        elif "weekday" in kinds[c.id]:
            why, field, fix = (
                "mọi ngày phát đều ngoài limits.weekdays của các đài",
                ("weekdays",),
                "đổi 'weekdays' của chiến dịch, hoặc đặt priority: priority",
            )
        else:
            why, field, fix = (
                "không còn chỗ trong buổi nào",
                ("slots",),
                "bớt bản tin của các chiến dịch khác, hoặc tăng khung giờ/limits.max_session",
            )
        place = where(c.id, field) or f"mục '{field[0]}'"
        out.append(f"Chiến dịch '{c.id}' sẽ không phát lần nào: {why}. ({place}; cách sửa: {fix})")
    for o in sorted(schedule.oneoffs, key=lambda o: o.id):
        if o.id in aired:
            continue
        if not schedule.resolve_targets(o.stations):
            why, field, fix = (
                "không nhắm tới đài nào",
                ("stations",),
                "ghi mã đài hoặc tên nhóm có trong stations.yaml",
            )
        elif "invalid" in kinds[o.id]:
            why, field, fix = (
                f"ngày {o.date:%d/%m/%Y} kịch bản '{o.script}' không còn hiệu lực",
                ("date",),
                "đổi ngày phát, hoặc sửa valid_from/valid_until của kịch bản",
            )
        else:
            why, field, fix = (
                "không còn chỗ trong buổi nào",
                ("at",),
                "đổi giờ phát, hoặc nâng 'priority'",
            )
        place = where(o.id, field) or f"mục '{field[0]}'"
        out.append(f"Bản tin riêng '{o.id}' sẽ không phát: {why}. ({place}; cách sửa: {fix})")
    return out


def schedule_warnings(project: Project, durations: Any = None) -> list[str]:
    """What the schedule's windows and airtime limits cannot hold (``broadcast check``).

    ``durations(station, script)``: seconds of a bulletin (``check`` measures the spoken
    text, :class:`broadcast.schedule.estimate.Estimator`); the word-count estimate when None.
    """
    sched = project.schedule
    docs: dict[Path, YamlDoc] = {}

    def where(source: str, loc: tuple[Any, ...]) -> str:
        path = sched.sources.get(source)
        if path is None:
            return ""
        if path not in docs:
            docs[path] = load_yaml(path)
        doc = docs[path]
        for key in ("campaigns", "oneoffs"):
            for i, raw in enumerate(doc.data.get(key) or []):
                if isinstance(raw, dict) and raw.get("id") == source:
                    return doc.where((key, i) + loc)
        return str(path)

    plans = campaign_plans(sched, project.scripts, durations)
    return (
        window_warnings(sched, where)
        + limit_warnings(sched, project.scripts, where, durations, plans)
        + reach_warnings(sched, plans, where)
    )
