"""The planner: pure, no audio. Dates, rotation, levels, sessions, overruns, limits, queue."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from broadcast.project.scripts import Priority
from broadcast.schedule.planner import QueuedBulletin, estimate_duration, plan_day
from tests.schedule.helpers import (
    campaign,
    counts,
    days,
    plan,
    schedule,
    script,
    scripts,
    station,
)

TZ = dt.timezone(dt.timedelta(hours=7))
D = dt.date


def _active(sched, scr, start, end):  # type: ignore[no-untyped-def]
    return [d for d in days(start, end) if plan(sched, scr, d).stations["a"]]


# -- which days ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "start,end,weekdays,expected",
    [
        # across the month end, every day
        (
            "2026-11-28",
            "2026-12-02",
            None,
            [D(2026, 11, 28), D(2026, 11, 29), D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2)],
        ),
        # across the year end, Monday to Friday only (02-03/01/2027 are Sat, Sun)
        (
            "2026-12-28",
            "2027-01-03",
            ["mon", "tue", "wed", "thu", "fri"],
            [D(2026, 12, 28), D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 1)],
        ),
        # weekends only, in Vietnamese
        (
            "2026-11-25",
            "2026-12-06",
            ["t7", "cn"],
            [D(2026, 11, 28), D(2026, 11, 29), D(2026, 12, 5), D(2026, 12, 6)],
        ),
        # one day, leap-year February end
        ("2028-02-29", "2028-02-29", None, [D(2028, 2, 29)]),
    ],
)
def test_campaign_days(start, end, weekdays, expected):
    kw = {"from": start, "until": end}
    if weekdays:
        kw["weekdays"] = weekdays
    sched = schedule([station("a")], [campaign(**kw)])
    scr = scripts("s1", "s2")
    window = (
        dt.date.fromisoformat(start) - dt.timedelta(days=3),
        dt.date.fromisoformat(end) + dt.timedelta(days=3),
    )
    assert _active(sched, scr, *window) == expected


def test_rotation_continues_across_year_end():
    sched = schedule(
        [station("a")],
        [campaign(**{"from": "2026-12-30", "until": "2027-01-02"}, slots=[{"at": "05:30"}])],
    )
    scr = scripts("s1", "s2", "s3")
    order = [
        plan(sched, scr, d).stations["a"][0].script_id for d in days(D(2026, 12, 30), D(2027, 1, 2))
    ]
    assert order == ["s1", "s2", "s3", "s1"]


# -- fairness -----------------------------------------------------------------------
@pytest.mark.parametrize("n_scripts", [2, 3, 4, 5, 7, 9])
@pytest.mark.parametrize("weekdays", [None, ["mon", "wed", "fri"], ["sat", "sun"]])
def test_rotation_is_fair_within_one_per_station_and_overall(n_scripts, weekdays):
    kw = {"weekdays": weekdays} if weekdays else {}
    sched = schedule([station("a"), station("b"), station("c", kind="fm")], [campaign(**kw)])
    scr = scripts(*[f"s{i}" for i in range(n_scripts)])
    start, end = D(2026, 11, 25), D(2026, 12, 15)
    overall = counts(sched, scr, start, end)
    assert set(overall) == set(scr)
    assert max(overall.values()) - min(overall.values()) <= 1
    for sid in ("a", "b", "c"):
        c = counts(sched, scr, start, end, sid)
        assert max(c.values()) - min(c.values()) <= 1, (sid, c)


def test_stations_start_at_different_scripts_on_the_same_slot():
    sched = schedule([station("a"), station("b")], [campaign(slots=[{"at": "05:30"}])])
    p = plan(sched, scripts("s1", "s2", "s3"), D(2026, 11, 25))
    assert p.stations["a"][0].script_id != p.stations["b"][0].script_id


def test_mode_all_airs_every_script_each_slot():
    sched = schedule([station("a")], [campaign(mode="all", slots=[{"at": "05:30"}])])
    p = plan(sched, scripts("s1", "s2", "s3"), D(2026, 11, 25))
    assert [i.script_id for i in p.stations["a"]] == ["s1", "s2", "s3"]


def test_per_day_spreads_over_slots_morning_first():
    sched = schedule(
        [station("a")], [campaign(per_day=5, slots=[{"at": "17:00"}, {"session": "sáng"}])]
    )
    # three scripts: with two, the third morning bulletin would be one of them again, and
    # a script airs at most once a session (issue 22: it airs once, for both requests)
    p = plan(sched, scripts("s1", "s2", "s3"), D(2026, 11, 25))
    assert [(s.start, len(s.items)) for s in p.sessions["a"]] == [
        (dt.time(5, 30), 3),
        (dt.time(17, 0), 2),
    ]


def test_expired_script_leaves_the_pool():
    scr = scripts("s1", "s2")
    scr["s2"] = script("s2", valid_until="2026-11-26")
    sched = schedule([station("a")], [campaign(slots=[{"at": "05:30", "times": 2}])])
    assert {i.script_id for i in plan(sched, scr, D(2026, 11, 27)).stations["a"]} == {"s1"}


# -- levels --------------------------------------------------------------------------
def test_three_levels_order_a_session():
    sched = schedule(
        [station("a")],
        [
            # each its own script: one script asked by both would air once (issue 22)
            campaign("thuong", scripts=["s1"], slots=[{"at": "05:30"}]),
            campaign("uu-tien", scripts=["s2"], priority="priority", slots=[{"at": "05:30"}]),
        ],
        oneoffs=[
            {
                "id": "bao",
                "script": "s3",
                "date": "2026-11-25",
                "at": "05:30",
                "priority": "emergency",
            }
        ],
    )
    p = plan(sched, scripts("s1", "s2", "s3"), D(2026, 11, 25))
    assert [(i.source, i.priority) for i in p.stations["a"]] == [
        ("bao", Priority.emergency),
        ("uu-tien", Priority.priority),
        ("thuong", Priority.normal),
    ]


def test_script_priority_raises_the_level():
    scr = {"s1": script("s1"), "s2": script("s2", priority="priority")}
    sched = schedule([station("a")], [campaign(mode="all", slots=[{"at": "05:30"}])])
    items = plan(sched, scr, D(2026, 11, 25)).stations["a"]
    assert [(i.script_id, i.priority.value) for i in items] == [
        ("s2", "priority"),
        ("s1", "normal"),
    ]


# -- sessions --------------------------------------------------------------------------
def test_named_session_follows_each_station_window():
    sched = schedule(
        [
            station("a", windows=["05:00-05:30", "17:00-17:30"]),
            station("b", windows=["06:00-06:45", "18:00-18:30"]),
            station("c"),
        ],  # no windows: 05:30 and 17:00
        [campaign(slots=[{"session": "morning"}, {"session": "chiều"}])],
    )
    p = plan(sched, scripts("s1"), D(2026, 11, 25))
    starts = {sid: [s.start for s in sess] for sid, sess in p.sessions.items()}
    assert starts == {
        "a": [dt.time(5), dt.time(17)],
        "b": [dt.time(6), dt.time(18)],
        "c": [dt.time(5, 30), dt.time(17)],
    }


def test_slot_outside_every_window_is_not_aired_and_noted():
    sched = schedule(
        [station("a", windows=["05:30-06:00"])],
        [campaign(slots=[{"at": "05:40"}, {"at": "12:00"}])],
    )
    p = plan(sched, scripts("s1"), D(2026, 11, 25))
    assert [(s.start, len(s.items)) for s in p.sessions["a"]] == [(dt.time(5, 40), 1)]
    assert [n.kind for n in p.notes] == ["outside-window"]
    assert "12:00" in p.notes[0].text


def test_oneoff_outside_windows_still_airs_with_a_note():
    sched = schedule(
        [station("a", windows=["05:30-06:00"])],
        [],
        oneoffs=[{"id": "hop", "script": "s1", "date": "2026-11-25", "at": "09:00"}],
    )
    p = plan(sched, scripts("s1"), D(2026, 11, 25))
    assert p.sessions["a"][0].start == dt.time(9)
    assert p.notes[0].kind == "outside-window"


# -- overruns and limits -----------------------------------------------------------
def test_overrun_moves_lower_priority_to_next_session_then_drops():
    sched = schedule(
        [station("a", windows=["05:30-05:45", "17:00-17:15"])],
        [
            # pools as large as what each asks of a session: a script airs at most once
            # a session (issue 22), so two scripts could not fill five places
            campaign(
                "a1", scripts=["s1", "s2", "s3", "s4", "s5"], slots=[{"at": "05:30", "times": 5}]
            ),
            campaign(
                "b1",
                scripts=["p1", "p2", "p3", "p4"],
                priority="priority",
                slots=[{"at": "05:30", "times": 3}, {"at": "17:00", "times": 1}],
            ),
        ],
    )
    scr = scripts("s1", "s2", "s3", "s4", "s5", "p1", "p2", "p3", "p4")
    p = plan(sched, scr, D(2026, 11, 25), seconds=200)
    morning, evening = p.sessions["a"]
    # 900 s hold four 200 s bulletins: the three priority ones first
    assert [i.source for i in morning.items] == ["b1", "b1", "b1", "a1"]
    assert [i.source for i in evening.items] == ["b1", "a1", "a1", "a1"]
    assert all(i.moved_from == dt.time(5, 30) for i in evening.items if i.source == "a1")
    # one note per item: three moved (they air at 17:00), one dropped (it does not air)
    kinds = [n.kind for n in p.notes]
    assert kinds.count("moved") == 3 and kinds.count("dropped") == 1
    assert [n.lost for n in p.notes if n.kind == "dropped"] == [True]
    assert morning.overrun_s == evening.overrun_s == 0


def test_bulletin_never_cut_and_cap_from_limits():
    sched = schedule(
        [station("a", windows=["05:30-06:30"], limits={"max_session": "5m"})],
        [campaign(slots=[{"at": "05:30", "times": 3}])],
    )
    # three scripts for three places: a script airs at most once a session (issue 22)
    p = plan(sched, scripts("s1", "s2", "s3"), D(2026, 11, 25), seconds=140)
    (sess,) = p.sessions["a"]
    assert sess.capacity_s == 300 and len(sess.items) == 2 and sess.used_s <= 300
    assert [n.kind for n in p.notes] == ["dropped"]


def test_emergency_is_never_moved_and_overrun_is_flagged():
    sched = schedule(
        [station("a", windows=["05:30-05:35"])],
        [],
        oneoffs=[
            {
                "id": f"k{i}",
                "script": "s1",
                "date": "2026-11-25",
                "at": "05:30",
                "priority": "emergency",
            }
            for i in range(3)
        ],
    )
    p = plan(sched, scripts("s1"), D(2026, 11, 25), seconds=120)
    (sess,) = p.sessions["a"]
    assert len(sess.items) == 3 and sess.overrun_s == 60
    assert [n.kind for n in p.notes] == ["overrun"]


def test_weekday_limit_drops_normal_keeps_priority():
    sched = schedule(
        [station("a", limits={"weekdays": ["mon", "tue", "wed", "thu", "fri"]})],
        [
            campaign("thuong", slots=[{"at": "05:30"}]),
            campaign("uu-tien", priority="priority", slots=[{"at": "17:00"}]),
        ],
    )
    sat = plan(sched, scripts("s1"), D(2026, 11, 28))
    assert [i.source for i in sat.stations["a"]] == ["uu-tien"]
    assert [n.kind for n in sat.notes] == ["weekday"]
    assert len(plan(sched, scripts("s1"), D(2026, 11, 27)).stations["a"]) == 2


def test_max_sessions_per_day_is_kept_not_only_flagged():
    sched = schedule(
        [station("a", limits={"max_sessions_per_day": 2})],
        [
            campaign(
                slots=[{"at": "05:30"}, {"at": "11:00", "times": 2}, {"at": "17:00", "times": 2}]
            )
        ],
    )
    # five scripts: one script twice in a session would air once (issue 22)
    p = plan(sched, scripts("s1", "s2", "s3", "s4", "s5"), D(2026, 11, 25))
    # the morning first (issue 22): the two morning sessions air, and the evening's two
    # move into the last open one before it (was: the two with the most airtime, 11:00
    # and 17:00, which took 05:30's bulletin out of the morning for an evening's)
    assert [(s.start, len(s.items)) for s in p.sessions["a"]] == [
        (dt.time(5, 30), 1),
        (dt.time(11), 4),
    ]
    assert [(n.kind, n.lost) for n in p.notes] == [("moved", False), ("moved", False)]
    assert all("max_sessions_per_day" in n.text for n in p.notes)


# -- determinism -------------------------------------------------------------------------
def test_overlapping_campaigns_merge_the_same_whatever_the_file_order():
    cs = [
        campaign(
            f"c{i}",
            slots=[{"at": "05:30"}, {"session": "chiều"}],
            priority=["normal", "priority"][i % 2],
        )
        for i in range(6)
    ]
    st = [station("a", windows=["05:30-05:40", "17:00-17:20"]), station("b")]
    scr = scripts("s1", "s2", "s3")
    ref = plan(schedule(st, cs), scr, D(2026, 11, 30), seconds=100)
    for seed in range(5):
        shuffled = cs[:]
        random.Random(seed).shuffle(shuffled)
        again = plan(schedule(st, shuffled), scr, D(2026, 11, 30), seconds=100)
        assert again.stations == ref.stations and again.notes == ref.notes


# -- emergency queue -----------------------------------------------------------------
def _queued(created: dt.datetime) -> QueuedBulletin:
    return QueuedBulletin(
        id="khan-1",
        created=created,
        stations=("a",),
        script_id="bao",
        title="Bão",
        directive="CV",
        files={"a": "bulletins/a/bao.mp3"},
        durations={"a": 30.0},
    )


@pytest.mark.parametrize(
    "created,day,expected",
    [
        (dt.datetime(2026, 11, 25, 4, 0, tzinfo=TZ), D(2026, 11, 25), dt.time(5, 30)),
        (dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ), D(2026, 11, 25), dt.time(17, 0)),
        (dt.datetime(2026, 11, 25, 18, 30, tzinfo=TZ), D(2026, 11, 25), None),
        (dt.datetime(2026, 11, 25, 18, 30, tzinfo=TZ), D(2026, 11, 26), dt.time(5, 30)),
        (dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ), D(2026, 11, 26), None),  # aired already
    ],
)
def test_queued_emergency_heads_the_next_session_once(created, day, expected):
    sched = schedule([station("a", windows=["05:30-05:45", "17:00-17:15"])], [campaign()])
    p = plan(sched, scripts("s1", "s2"), day, queued=[_queued(created)])
    found = [
        (s.start, n) for s in p.sessions["a"] for n, i in enumerate(s.items) if i.source == "khan-1"
    ]
    assert found == ([] if expected is None else [(expected, 0)])


# -- estimates -------------------------------------------------------------------------
def test_estimate_grows_with_text_and_repeat():
    one = schedule([station("a", repeat=1)], []).stations["a"]
    two = schedule([station("a", repeat=2)], []).stations["a"]
    short, long = script("x", words=50), script("y", words=120)
    assert estimate_duration(one, short) < estimate_duration(one, long)
    assert estimate_duration(one, long) < estimate_duration(two, long)
    # the shipped scripts (100-120 words, repeat 2, rate 135) measure 84-105 s
    assert 85 <= estimate_duration(two, script("z", words=110)) <= 115


def test_default_durations_are_estimates_from_the_text():
    sched = schedule([station("a")], [campaign(mode="all", slots=[{"at": "05:30"}])])
    scr = {"ngan": script("ngan", words=40), "dai": script("dai", words=160)}
    p = plan_day(sched, scr, D(2026, 11, 25))
    got = {i.script_id: i.duration_s for i in p.stations["a"]}
    assert set(got) == {"ngan", "dai"}
    st = sched.stations["a"]
    assert got == {sid: estimate_duration(st, s) for sid, s in scr.items()}
    # 40 and 160 words, read twice at 135 words a minute, plus chimes and pauses
    assert 30 < got["ngan"] < 60 < 100 < got["dai"] < 150, got


def test_mode_all_turns_who_opens_each_slot_not_the_alphabet():
    sched = schedule(
        [station("a", windows=["05:30-06:30", "17:00-18:00"])],
        [campaign(mode="all", slots=[{"at": "05:30"}, {"at": "17:00"}])],
    )
    scr = scripts("s1", "s2", "s3")
    openers = [
        s.items[0].script_id
        for d in days(D(2026, 11, 25), D(2026, 11, 27))
        for s in plan(sched, scr, d).sessions["a"]
    ]
    assert openers == ["s1", "s2", "s3", "s1", "s2", "s3"]


def test_rule_fixes_have_no_unfilled_placeholder_and_no_english_session() -> None:
    """Issue 22: summaries print each rule's fix as is, so a fix never holds '{...}';
    ``check`` names a session in Vietnamese ("buổi sáng", never "buổi morning")."""
    from broadcast.schedule.limits import window_warnings
    from broadcast.schedule.notes import RULES, summarize
    from tests.schedule.helpers import campaign, schedule, station

    assert all("{" not in r.fix for r in RULES.values())
    sched = schedule(
        [station("a", windows=["17:00-18:00"])],
        [campaign(scripts=["s1"], slots=[{"session": "sáng"}])],
    )
    text = " ".join(window_warnings(sched, lambda s, loc: ""))
    assert "buổi sáng" in text and "morning" not in text
    from tests.schedule.helpers import plan, scripts

    lines = summarize(plan(sched, scripts("s1"), dt.date(2026, 11, 25)).notes)
    assert lines and all("{" not in line and "morning" not in line for line in lines)
