"""Build schedules and scripts in memory: the planner tests need no files and no audio."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from broadcast.project.schedule import Campaign, OneOff, Schedule, Station
from broadcast.project.scripts import Script, ScriptMeta
from broadcast.schedule.planner import DayPlan, plan_day

DIRECTIVE = {"number": "3316/UBND-VHTT", "date": "22/11/2024", "issuer": "UBND huyện Phú Bình"}


def script(sid: str, words: int = 100, priority: str = "normal", **meta: Any) -> Script:
    return Script(
        meta=ScriptMeta(
            id=sid,
            title=f"Tiêu đề {sid}",
            topic="lừa đảo",
            directive=DIRECTIVE,
            priority=priority,
            **meta,
        ),
        text=" ".join(["chữ"] * words),
        path=Path(f"{sid}.md"),
        body_line=8,
    )


def scripts(*ids: str, **kw: Any) -> dict[str, Script]:
    return {s: script(s, **kw) for s in ids}


def station(sid: str, **kw: Any) -> dict[str, Any]:
    return {"id": sid, "name": f"Đài {sid}", "kind": kw.pop("kind", "loudspeaker"), **kw}


def campaign(cid: str = "c", **kw: Any) -> dict[str, Any]:
    base = {
        "id": cid,
        "title": "Chiến dịch",
        "directive": DIRECTIVE,
        "from": "2026-11-25",
        "until": "2026-12-15",
        "slots": [{"at": "05:30", "times": 2}, {"at": "17:00"}],
    }
    base.update(kw)
    return base


def schedule(
    stations: list[dict[str, Any]],
    campaigns: list[dict[str, Any]],
    oneoffs: list[dict[str, Any]] = (),
    groups: dict[str, list[str]] | None = None,
) -> Schedule:
    st = {s["id"]: Station.model_validate(s) for s in stations}
    all_groups = {
        "all": list(st),
        "fm": [s for s in st if st[s].kind == "fm"],
        "loudspeaker": [s for s in st if st[s].kind == "loudspeaker"],
    }
    all_groups.update(groups or {})
    return Schedule(
        commune="Xã Thử",
        stations=st,
        groups=all_groups,
        campaigns=[Campaign.model_validate(c) for c in campaigns],
        oneoffs=[OneOff.model_validate(o) for o in oneoffs],
    )


def fixed(seconds: float = 60.0):  # type: ignore[no-untyped-def]
    return lambda station, script: seconds


def no_jingles(station: Station) -> tuple[float, float]:
    return 0.0, 0.0


def plan(
    sched: Schedule, scr: dict[str, Script], day: dt.date, seconds: float = 60.0, **kw: Any
) -> DayPlan:
    kw.setdefault("jingles", no_jingles)
    return plan_day(sched, scr, day, durations=fixed(seconds), **kw)


def days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def counts(
    sched: Schedule,
    scr: dict[str, Script],
    start: dt.date,
    end: dt.date,
    station_id: str | None = None,
) -> Counter[str]:
    c: Counter[str] = Counter()
    for day in days(start, end):
        p = plan(sched, scr, day)
        for sid, items in p.stations.items():
            if station_id is None or sid == station_id:
                c.update(i.script_id for i in items)
    return c
