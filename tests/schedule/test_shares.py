"""``plan`` prints each campaign's morning and evening airtime and share, per station and
ISO week (issue 22): the shares are seconds the plan holds, not bulletin counts."""

from __future__ import annotations

import datetime as dt
import math

import time_machine
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcast.cli import cli
from broadcast.schedule.planner import Planner
from broadcast.schedule.shares import airtime_shares
from tests.schedule.helpers import campaign, no_jingles, schedule, scripts, station

START = dt.date(2026, 11, 23)  # a Monday


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lengths=st.dictionaries(st.sampled_from(["s1", "s2", "s3"]), st.integers(20, 400)),
    n_days=st.integers(1, 9),
)
def test_shares_are_the_plans_seconds_and_add_up_to_one(lengths, n_days):
    sched = schedule(
        [station("a", windows=["05:30-05:40", "17:00-17:30"])],
        [
            campaign("dai", scripts=["s1", "s2"], slots=[{"at": "05:30", "times": 2}]),
            campaign("xa", scripts=["s2", "s3"], slots=[{"at": "05:30"}, {"at": "17:00"}]),
        ],
    )
    planner = Planner(
        sched, scripts("s1", "s2", "s3"), lambda _s, x: float(lengths.get(x.id, 90)), no_jingles
    )
    plans = [planner.plan(START + dt.timedelta(days=i)) for i in range(n_days)]
    shares = airtime_shares(plans)
    for sh in shares:
        days = [p for p in plans if p.day.isocalendar()[:2] == sh.week]
        items = [
            (s.start, i)
            for p in days
            for s in p.sessions["a"]
            for i in s.items
            # one airing for two campaigns' requests of one script counts for both
            if sh.campaign in i.credits()
        ]
        assert math.isclose(sh.morning_s, sum(i.duration_s for t, i in items if t.hour < 12))
        assert math.isclose(sh.evening_s, sum(i.duration_s for t, i in items if t.hour >= 12))
    for week in {sh.week for sh in shares}:
        for half in ("morning", "evening"):
            got = [getattr(sh, f"{half}_share") for sh in shares if sh.week == week]
            if any(getattr(sh, f"{half}_s") for sh in shares if sh.week == week):
                assert math.isclose(sum(got), 1.0)


def test_plan_prints_each_campaigns_morning_and_evening_airtime(small_root, tmp_path):
    with time_machine.travel(dt.datetime(2026, 11, 24, 5, 0), tick=False):
        r = CliRunner().invoke(
            cli,
            [
                "plan",
                "--date",
                "2026-11-25",
                "--days",
                "2",
                "--root",
                str(small_root),
                "--out",
                str(tmp_path / "none"),
            ],
        )
    assert r.exit_code == 0, r.output
    assert "Thời lượng phát theo chiến dịch — Loa xóm A (xom-a), tuần 48/2026:" in r.output
    line = next(x for x in r.output.splitlines() if x.strip().startswith("thu: buổi sáng"))
    assert "(100%)" in line and "buổi chiều" in line
