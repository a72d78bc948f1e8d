"""The planner's invariants (its docstring, rules 1-7), checked over random schedules.

Random stations (windows, caps, weekdays), campaigns (slots, levels, modes, date and
station ranges), one-offs, script validity ranges and durations; every invariant is
asserted on the plan a user would read. ``max_examples`` stays modest: CI must be fast.
"""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcast.project.scripts import Priority
from broadcast.schedule.planner import Planner, campaign_scripts, plan_day
from tests.schedule.helpers import campaign, schedule, script, station

START = dt.date(2026, 11, 23)  # a Monday
#: PLANNER_EXAMPLES=2000 explores more when the planner changes; CI keeps the default.
EXAMPLES = int(os.environ.get("PLANNER_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
EPS = 1e-6
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _hm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def windows(draw: st.DrawFn) -> list[str]:
    n = draw(st.integers(0, 3))
    out, t = [], draw(st.integers(5 * 60, 7 * 60))
    for _ in range(n):
        length = draw(st.sampled_from([5, 10, 15, 30, 60]))
        out.append(f"{_hm(t)}-{_hm(t + length)}")
        t += length + draw(st.integers(0, 300))
        if t + 60 >= 24 * 60:
            break
    return out


@st.composite
def stations(draw: st.DrawFn, sid: str) -> dict:
    limits: dict = {}
    if draw(st.booleans()):
        limits["max_session"] = draw(st.sampled_from([120, 300, 600, 900]))
    if draw(st.booleans()):
        limits["max_sessions_per_day"] = draw(st.integers(1, 3))
    if draw(st.booleans()):
        limits["weekdays"] = draw(
            st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=6, unique=True)
        )
    return station(sid, windows=draw(windows()), limits=limits)


SLOT_TIMES = ["05:00", "05:30", "05:40", "05:41", "06:10", "11:00", "17:00", "17:20", "20:00"]


@st.composite
def slots(draw: st.DrawFn) -> list[dict]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        times = draw(st.integers(1, 3))
        if draw(st.booleans()):
            out.append({"session": draw(st.sampled_from(["sáng", "chiều"])), "times": times})
        else:
            out.append({"at": draw(st.sampled_from(SLOT_TIMES)), "times": times})
    return out


@st.composite
def projects(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    sids = ["a", "b", "c"][: draw(st.integers(1, 3))]
    sts = [draw(stations(s)) for s in sids]
    n_scripts = draw(st.integers(1, 5))
    scr = {}
    seconds = {}
    for k in range(n_scripts):
        meta = {}
        if draw(st.booleans()):
            lo = draw(st.integers(-3, 6))
            meta["valid_from"] = (START + dt.timedelta(days=lo)).isoformat()
            meta["valid_until"] = (
                START + dt.timedelta(days=lo + draw(st.integers(0, 6)))
            ).isoformat()
        level = draw(st.sampled_from(["normal", "normal", "priority"]))
        scr[f"s{k}"] = script(f"s{k}", priority=level, **meta)
        seconds[f"s{k}"] = float(draw(st.sampled_from([20, 45, 60, 90, 140, 300, 1200])))
    cs = []
    for c in range(draw(st.integers(1, 3))):
        first = draw(st.integers(0, 4))
        kw = {
            "from": (START + dt.timedelta(days=first)).isoformat(),
            "until": (START + dt.timedelta(days=first + draw(st.integers(0, 8)))).isoformat(),
            "slots": draw(slots()),
            "priority": draw(st.sampled_from(["normal", "normal", "priority"])),
            "mode": draw(st.sampled_from(["rotate", "rotate", "all"])),
            "stations": draw(st.lists(st.sampled_from(sids + ["all"]), min_size=1, max_size=2)),
        }
        if draw(st.booleans()):
            kw["scripts"] = draw(
                st.lists(st.sampled_from(sorted(scr)), min_size=1, max_size=3, unique=True)
            )
        cs.append(campaign(f"c{c}", **kw))
    oneoffs = []
    for o in range(draw(st.integers(0, 3))):
        oneoffs.append(
            {
                "id": f"o{o}",
                "script": draw(st.sampled_from(sorted(scr))),
                "date": (START + dt.timedelta(days=draw(st.integers(0, 8)))).isoformat(),
                "at": draw(st.sampled_from(["05:29", "05:35", "09:00", "17:05"])),
                "priority": draw(st.sampled_from(["normal", "priority", "emergency"])),
                "stations": draw(st.lists(st.sampled_from(sids), min_size=1, max_size=2)),
            }
        )
    sched = schedule(sts, cs, oneoffs)
    jingle = draw(st.sampled_from([(0.0, 0.0), (2.86, 2.1)]))
    return sched, scr, seconds, jingle


def _plan(project, day: dt.date):  # type: ignore[no-untyped-def]
    sched, scr, seconds, jingle = project
    return plan_day(sched, scr, day, durations=lambda s, x: seconds[x.id], jingles=lambda s: jingle)


def _requested(project, day: dt.date, sid: str) -> int:  # type: ignore[no-untyped-def]
    """What the schedule asks of a station on a day, counted without the planner."""
    sched, scr, _, _ = project
    n = 0
    for c in sched.campaigns:
        if not c.active_on(day) or sid not in sched.resolve_targets(c.stations):
            continue
        pool = campaign_scripts(c, scr, day)
        if not pool:
            continue
        per = sum(t for _, t in c.slot_times())
        n += len(pool) * len(c.slots) if c.mode == "all" else per
    for o in sched.oneoffs:
        if o.date == day and sid in sched.resolve_targets(o.stations):
            n += 1
    return n


DAYS = st.integers(0, 10).map(lambda i: START + dt.timedelta(days=i))


@SETTINGS
@given(projects(), DAYS)
def test_invariants_hold_for_random_schedules(project, day):  # type: ignore[no-untyped-def]
    sched, scr, seconds, jingle = project
    plan = _plan(project, day)
    for sid, sessions in plan.sessions.items():
        st_ = sched.stations[sid]
        lim = st_.limits
        notes = plan.notes_for(sid)
        emergency_sessions = [
            s for s in sessions if any(i.priority is Priority.emergency for i in s.items)
        ]
        # 1. no overlap: each session starts after the previous one ends
        for a, b in zip(sessions, sessions[1:], strict=False):
            assert a.end <= dt.datetime.combine(day, b.start), (sid, a, b)
        for s in sessions:
            assert s.items, "a published session is never empty"
            has_emergency = s in emergency_sessions
            # 2. caps are hard (window, max_session); only an emergency may exceed, flagged
            if s.capacity_s is not None and not has_emergency:
                assert s.used_s <= s.capacity_s + EPS
            if s.window is not None and not has_emergency:
                assert s.start >= s.window[0]
                assert s.end <= dt.datetime.combine(day, s.window[1]) + dt.timedelta(seconds=EPS)
            if lim.max_session is not None and not has_emergency:
                assert s.used_s <= lim.max_session + EPS
            if s.overrun_s > 0:
                assert any(n.kind == "overrun" for n in notes)
            # 7. levels order every session
            ranks = [i.priority.rank for i in s.items]
            assert ranks == sorted(ranks)
            # 8. no script twice in one session (emergencies are never merged)
            ids = [i.script_id for i in s.items if i.priority is not Priority.emergency]
            assert len(ids) == len(set(ids)), ids
            for i in s.items:
                # 4. validity everywhere
                assert scr[i.script_id].valid_on(day), (i.script_id, day)
                # 2. weekdays
                if lim.weekdays is not None and day.weekday() not in lim.weekdays:
                    assert i.priority is not Priority.normal
        if lim.max_sessions_per_day is not None and len(sessions) > lim.max_sessions_per_day:
            assert emergency_sessions and any(n.kind == "sessions" for n in notes)
        # 3. nothing lost silently: requested = aired + met by an item of the same script
        # in that session (issue 22: aired once, credited to each, with a note) + lost
        aired = [i for s in sessions for i in s.items]
        lost = [n for n in notes if n.lost]
        shared = sum(len(i.also) for i in aired)
        assert shared == sum(1 for n in notes if n.kind == "shared"), notes
        assert _requested(project, day, sid) == len(aired) + shared + len(lost), (sid, notes)
        # 7. an emergency is never moved or dropped (only an expired script stops it)
        for o in sched.oneoffs:
            script_ok = scr[o.script].valid_on(day)
            if o.date == day and o.priority.value == "emergency" and script_ok:
                if sid in sched.resolve_targets(o.stations):
                    mine = [i for i in aired if i.source == o.id]
                    assert len(mine) == 1 and mine[0].moved_from is None, (o.id, notes)
        moved = [i for s in sessions for i in s.items if i.moved_from is not None]
        assert len(moved) == sum(1 for n in notes if n.kind == "moved")
        # 6. a bulletin dropped for room found no session or free window after it with room
        if lim.max_sessions_per_day is None:
            for n in notes:
                if n.kind != "dropped":
                    continue
                need = seconds[n.script_id]
                for s in sessions:
                    if n.slot is not None and s.start > n.slot and s.capacity_s is not None:
                        assert s.used_s + s.between_s + need > s.capacity_s + EPS, (n, s)
                used = {s.window for s in sessions}
                for w in st_.windows:
                    if w in used or n.slot is None or w[0] <= n.slot:
                        continue
                    start = dt.datetime.combine(day, w[0])
                    before = [s.end for s in sessions if s.start < w[0]]
                    start = max([start, *before])
                    free = (dt.datetime.combine(day, w[1]) - start).total_seconds()
                    free = min(free, lim.max_session or free)
                    assert jingle[0] + need > free - EPS, (n, w)


@settings(max_examples=25, deadline=None)
@given(projects(), st.integers(1, 8))
def test_a_day_planned_alone_equals_the_same_day_in_a_range(project, offset):  # type: ignore[no-untyped-def]
    sched, scr, seconds, jingle = project
    planner = Planner(sched, scr, lambda s, x: seconds[x.id], lambda s: jingle)
    for i in range(offset + 1):
        in_range = planner.plan(START + dt.timedelta(days=i))
    alone = _plan(project, START + dt.timedelta(days=offset))
    assert alone.stations == in_range.stations
    assert alone.notes == in_range.notes


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 5),
    st.sampled_from([30.0, 60.0, 95.0]),
    st.sampled_from([30.0, 60.0, 95.0]),
)
def test_same_level_campaigns_share_a_contested_session_in_proportion(a, b, fits, da, db):  # type: ignore[no-untyped-def]
    """5. Over days, each campaign's aired share stays within one item of its fair share."""
    room = max(fits * 60, da, db) + 1  # each fits alone; together they may not
    # as many scripts as places a session: one script airs at most once a session (issue
    # 22), so a one-script campaign asking twice a session would be met once
    pool_a, pool_b = [f"a{k}" for k in range(a)], [f"b{k}" for k in range(b)]
    sched = schedule(
        [station("x", windows=["05:30-23:00"], limits={"max_session": room})],
        [
            campaign("ca", scripts=pool_a, slots=[{"at": "05:30", "times": a}]),
            campaign("cb", scripts=pool_b, slots=[{"at": "05:30", "times": b}]),
        ],
    )
    scr = {s: script(s) for s in pool_a + pool_b}
    dur = {**{s: da for s in pool_a}, **{s: db for s in pool_b}}
    planner = Planner(sched, scr, lambda s, x: dur[x.id], lambda s: (0.0, 0.0))
    aired = {"ca": 0, "cb": 0}
    days = 12
    for i in range(days):
        for item in planner.plan(START + dt.timedelta(days=i + 2)).items("x"):
            aired[item.source] += 1
    asked = {"ca": a * days, "cb": b * days}
    if aired["ca"] + aired["cb"] == asked["ca"] + asked["cb"]:
        return  # nothing contested
    # no campaign starves while its bulletins fit the session
    assert min(aired.values()) > 0, aired
    if da == db:
        # equal lengths: the served ratios meet within what one day's items can tip
        ratio = {c: aired[c] / asked[c] for c in aired}
        bound = max(1 / asked["ca"], 1 / asked["cb"]) * (max(a, b) + 1)
        assert abs(ratio["ca"] - ratio["cb"]) <= bound, (aired, asked)


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 9), st.sampled_from([(1, 1), (2, 1), (1, 2), (2, 2), (3, 1)]))
def test_rotation_takes_every_script_to_every_session(n, split):  # type: ignore[no-untyped-def]
    """5. Within a campaign: each script reaches morning and evening, the opener rotates.

    Except two scripts and an even number of bulletins a day: there the rule that a
    script never airs twice in a row while the other waits (issue 22) leaves only
    strict alternation, so each keeps its places; that is asserted instead."""
    morning, evening = split
    sched = schedule(
        [station("x", windows=["05:30-06:30", "17:00-18:00"])],
        [
            campaign(
                **{"from": "2026-11-25", "until": "2027-02-25"},
                slots=[
                    {"session": "sáng", "times": morning},
                    {"session": "chiều", "times": evening},
                ],
            )
        ],
    )
    scr = {f"s{k}": script(f"s{k}") for k in range(n)}
    planner = Planner(sched, scr, lambda s, x: 60.0, lambda s: (0.0, 0.0))
    per_day = morning + evening
    cycle = n * per_day  # scripts x positions: after this every pair has come up
    days = (cycle * per_day) // per_day + cycle  # comfortably more than one cover
    seen: dict[str, set[str]] = {s: set() for s in scr}
    openers = set()
    sequence: list[str] = []
    for i in range(days):
        p = planner.plan(dt.date(2026, 11, 25) + dt.timedelta(days=i))
        sessions = p.sessions["x"]
        openers.add(sessions[0].items[0].script_id)
        for s in sessions:
            for item in s.items:
                seen[item.script_id].add(s.name)
                sequence.append(item.script_id)
    if max(morning, evening) > n:
        return  # a session asking more than the pool: each script once (test_no_repeats)
    if n == 2 and per_day % 2 == 0:
        assert all(a != b for a, b in zip(sequence, sequence[1:], strict=False)), sequence
        return
    assert all(v == {"sáng", "chiều"} for v in seen.values()), seen
    assert openers == set(scr)
