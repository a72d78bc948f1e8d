"""Rule 9 (issue 22): the morning first. Morning sessions open and fill first; a bulletin
leaves the morning only when the morning is full, never because an evening item opened
the day; over any 7 days a campaign's morning airtime is at least its evening airtime
unless its slots ask more of the evening."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcast.project.scripts import Priority
from broadcast.schedule.planner import NOON, Planner
from broadcast.schedule.shares import airtime_shares
from tests.schedule.helpers import campaign, schedule, script, station

START = dt.date(2026, 11, 23)  # a Monday
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EPS = 1e-6


def test_a_long_evening_bulletin_never_takes_the_morning_away():
    # The scenario: one morning window, one evening window, one session a day;
    # twice a week the evening holds a long bulletin (6 of 21 days).
    sched = schedule(
        [
            station(
                "xom-a",
                windows=["05:30-06:00", "17:00-17:30"],
                limits={"max_sessions_per_day": 1},
            )
        ],
        [
            campaign(
                "sang",
                scripts=["a", "b", "c"],
                slots=[{"session": "sáng", "times": 2}],
                **{"from": "2026-11-23", "until": "2026-12-13"},
            ),
            campaign(
                "toi",
                scripts=["dai"],
                slots=[{"at": "17:00"}],
                weekdays=["tue", "sat"],
                **{"from": "2026-11-23", "until": "2026-12-13"},
            ),
        ],
    )
    scr = {s: script(s) for s in ("a", "b", "c", "dai")}
    seconds = {"a": 90.0, "b": 95.0, "c": 100.0, "dai": 900.0}
    planner = Planner(sched, scr, lambda s, x: seconds[x.id], lambda s: (0.0, 0.0))
    long_days = 0
    for i in range(21):
        p = planner.plan(START + dt.timedelta(days=i))
        (morning,) = p.sessions["xom-a"]  # one session a day, and it is the morning
        assert morning.start == dt.time(5, 30)
        ours = [it for it in morning.items if it.source == "sang"]
        assert len(ours) == 2 and all(it.moved_from is None for it in ours)
        if any(it.source == "toi" for it in morning.items):
            long_days += 1  # the long bulletin moved into the morning, said in a note
            assert any(n.kind == "moved" and n.source == "toi" for n in p.notes)
    assert long_days == 6


def test_a_bulletin_moves_to_the_evening_when_the_morning_is_full():
    sched = schedule(
        [station("x", windows=["05:30-05:34", "17:00-18:00"])],
        [campaign(scripts=["a", "b", "c"], slots=[{"session": "sáng", "times": 3}])],
    )
    scr = {s: script(s) for s in ("a", "b", "c")}
    p = Planner(sched, scr, lambda s, x: 100.0, lambda s: (0.0, 0.0)).plan(
        START + dt.timedelta(days=2)
    )
    morning, evening = p.sessions["x"]
    assert len(morning.items) == 2 and len(evening.items) == 1
    assert evening.items[0].moved_from == dt.time(5, 30)


@st.composite
def projects(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    morning_len = draw(st.sampled_from([5, 10, 20, 60]))
    evening_len = draw(st.sampled_from([5, 10, 20, 60]))
    limits: dict = {}
    if draw(st.booleans()):
        limits["max_sessions_per_day"] = draw(st.integers(1, 2))
    windows = [f"05:30-{5 + (30 + morning_len) // 60:02d}:{(30 + morning_len) % 60:02d}"]
    windows.append(f"17:00-17:{evening_len:02d}" if evening_len < 60 else "17:00-18:00")
    if draw(st.booleans()):
        windows.insert(1, "11:00-11:30")
    names = [f"s{k}" for k in range(5)]
    cs = []
    for c in range(draw(st.integers(1, 3))):
        slots = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                slots.append({"session": draw(st.sampled_from(["sáng", "chiều"])), "times": 1})
            else:
                slots.append({"at": draw(st.sampled_from(["05:30", "11:00", "17:00"]))})
        cs.append(
            campaign(
                f"c{c}",
                scripts=draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True)),
                slots=slots,
                priority=draw(st.sampled_from(["normal", "normal", "priority"])),
            )
        )
    sched = schedule([station("x", windows=windows, limits=limits)], cs)
    seconds = {n: float(draw(st.sampled_from([30, 60, 95, 240, 700]))) for n in names}
    return sched, {n: script(n) for n in names}, seconds


@SETTINGS
@given(projects(), st.integers(0, 6))
def test_a_bulletin_leaves_the_morning_only_when_the_morning_is_full(project, offset):  # type: ignore[no-untyped-def]
    sched, scr, seconds = project
    planner = Planner(sched, scr, lambda s, x: seconds[x.id], lambda s: (0.0, 0.0))
    p = planner.plan(dt.date(2026, 11, 25) + dt.timedelta(days=offset))
    sessions = p.sessions["x"]
    station = sched.stations["x"]
    morning = [s for s in sessions if s.start < NOON]
    for s in sessions:
        for item in s.items:
            if item.moved_from is None or item.moved_from >= NOON or s.start < NOON:
                continue
            if item.priority is Priority.emergency:
                continue
            # it left the morning: no morning window had room for it, neither a session
            # that aired there nor an empty one
            for w in station.windows:
                if w[0] >= NOON:
                    continue
                aired = [m for m in morning if m.window == w]
                if aired:
                    m = aired[0]
                    assert m.capacity_s is not None
                    assert m.used_s + m.between_s + item.duration_s > m.capacity_s + EPS, (item, m)
                else:
                    room = dt.datetime.combine(p.day, w[1]) - dt.datetime.combine(p.day, w[0])
                    cap = min(room.total_seconds(), station.limits.max_session or 1e9)
                    # an empty morning window opens for the morning's overflow unless
                    # the day's sessions are all taken by the morning already
                    limit = station.limits.max_sessions_per_day
                    full_day = limit is not None and len(morning) >= limit
                    assert item.duration_s > cap + EPS or full_day, (item, w, sessions)


@st.composite
def ample(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    """Campaigns asking at least as much of the morning as of the evening, on a station
    whose sessions hold everything."""
    names = [f"s{k}" for k in range(6)]
    cs = []
    for c in range(draw(st.integers(1, 2))):
        evening = draw(st.integers(0, 2))
        morning = draw(st.integers(max(1, evening), 3))
        slots = [{"session": "sáng", "times": morning}]
        if evening:
            slots.append({"session": "chiều", "times": evening})
        pool = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True))
        cs.append(campaign(f"c{c}", scripts=pool, slots=slots))
    sched = schedule([station("x", windows=["05:00-11:00", "17:00-23:00"])], cs)
    seconds = {n: float(draw(st.sampled_from([30, 45, 60, 95, 140, 300]))) for n in names}
    return sched, {n: script(n) for n in names}, seconds


@SETTINGS
@given(ample(), st.integers(0, 5))
def test_over_any_7_days_a_campaigns_morning_airtime_is_at_least_its_evening(project, offset):  # type: ignore[no-untyped-def]
    sched, scr, seconds = project
    planner = Planner(sched, scr, lambda s, x: seconds[x.id], lambda s: (0.0, 0.0))
    start = dt.date(2026, 11, 25) + dt.timedelta(days=offset)
    plans = [planner.plan(start + dt.timedelta(days=i)) for i in range(7)]
    per: dict[str, list[float]] = {}
    for sh in airtime_shares(plans):  # may cut the 7 days in two ISO weeks: add them up
        m, e = per.setdefault(sh.campaign, [0.0, 0.0])
        per[sh.campaign] = [m + sh.morning_s, e + sh.evening_s]
    for cid, (m, e) in per.items():
        assert m + EPS >= e, (cid, m, e)
