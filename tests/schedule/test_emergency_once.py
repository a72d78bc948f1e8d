"""An emergency queued at any moment airs exactly once (issue 22): in the first session
of its stations on or after the moment it was queued, or, when none is left that day, in
the first one of the next day; never in both, never twice."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from broadcast.schedule.planner import Planner, QueuedBulletin
from tests.schedule.test_planner_properties import START, projects

TZ = dt.timezone(dt.timedelta(hours=7))


def _entry(created: dt.datetime, stations: tuple[str, ...]) -> QueuedBulletin:
    return QueuedBulletin(
        id=f"khan-cap-{created:%Y%m%d-%H%M%S}",
        created=created,
        stations=stations,
        script_id="bao",
        title="Bão số 9",
        directive="CV khẩn",
        files={s: f"emergency/{s}.mp3" for s in stations},
        durations={s: 40.0 for s in stations},
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects(), st.integers(0, 6), st.integers(0, 24 * 60 - 1), st.data())
def test_an_emergency_queued_at_any_moment_airs_exactly_once(project, offset, minute, data):  # type: ignore[no-untyped-def]
    sched, scr, seconds, jingle = project
    day = START + dt.timedelta(days=offset)
    created = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=TZ)
    sids = sorted(sched.stations)
    chosen = tuple(data.draw(st.lists(st.sampled_from(sids), min_size=1, unique=True)))
    q = _entry(created, chosen)
    planner = Planner(sched, scr, lambda s, x: seconds[x.id], lambda s: jingle, [q])
    today, tomorrow = planner.plan(day), planner.plan(day + dt.timedelta(days=1))
    for sid in chosen:
        where = [
            (p.day, s.start)
            for p in (today, tomorrow)
            for s in p.sessions[sid]
            for i in s.items
            if i.source == q.id
        ]
        starts_left = [s.start for s in today.sessions[sid] if s.start >= created.time()]
        windows_left = [w[0] for w in sched.stations[sid].windows if w[0] >= created.time()]
        if starts_left or windows_left or tomorrow.sessions[sid] or sched.stations[sid].windows:
            assert len(where) == 1, (sid, where, today.sessions[sid], tomorrow.sessions[sid])
            (d, _start) = where[0]
            if d == today.day:
                # the first session on or after the moment it was queued
                firsts = [s for s in today.sessions[sid] if s.start >= created.time()]
                assert any(i.source == q.id for i in firsts[0].items)
            else:
                assert not starts_left and not windows_left
                assert any(i.source == q.id for i in tomorrow.sessions[sid][0].items)
        else:
            assert len(where) <= 1  # no session either day: the daemon plays it at once
    for sid in sids:
        if sid not in chosen:
            assert all(i.source != q.id for p in (today, tomorrow) for i in p.items(sid))
