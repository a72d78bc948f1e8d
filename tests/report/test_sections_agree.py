"""Property (issue 18): every section of the report counts the same bulletins, whatever the
log holds — sections 1 (by directive), 2 (by station) and 3 (detail) add up to the same
totals, and section 5's planned equals their planned, its aired + extra their aired, per
station and per campaign."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.report.asrun import AsRunLog
from broadcast.report.compliance import compare, totals
from broadcast.report.report import build_report

from .conftest import TZ, planned_item

DAY0 = dt.date(2026, 11, 25)
RESULTS = ("none", "played", "confirmed", "failed", "skipped", "cut")
item = st.tuples(st.sampled_from(("s1", "s2")), st.sampled_from(("c1", "c2")),
                 st.sampled_from(RESULTS))  # fmt: skip
station_day = st.one_of(st.none(), st.lists(item, max_size=4))  # None: never built
extra = st.tuples(st.integers(0, 2), st.sampled_from(("a", "b")), st.sampled_from(("s1", "e")))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(station_day, station_day), min_size=1, max_size=3),
    st.lists(extra, max_size=3),
)
def test_sections_agree(days: list, extras: list) -> None:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory() as tmp:
        log = AsRunLog(Path(tmp) / "asrun.sqlite")
        for n, pair in enumerate(days):
            day = DAY0 + dt.timedelta(days=n)
            for sid, items in zip(("a", "b"), pair, strict=True):
                if items is None:
                    continue
                rows = [
                    planned_item(day, "05:30" if k < 2 else "17:00", s, c, f"CV {c}", 60, 65 * k)
                    for k, (s, c, _) in enumerate(items)
                ]
                log.record_planned(day, sid, rows)
                for row, (_, _, result) in zip(rows, items, strict=True):
                    if result == "none":
                        continue
                    start = dt.datetime.fromisoformat(row["start"])
                    log.record_play(
                        station_id=sid, day=day, slot=row["slot"], script_id=row["script"],
                        source=row["source"], directive=row["directive"], file=row["file"],
                        title=row["title"], start=start,
                        end=None if result == "skipped" else start + dt.timedelta(seconds=60),
                        result="failed" if result == "cut" else result,
                        note="bị ngắt lúc 05:31" if result == "cut" else "",
                    )  # fmt: skip
        for n, sid, script in extras:  # aired beyond any plan (an emergency, a replay)
            day = DAY0 + dt.timedelta(days=min(n, len(days) - 1))
            start = dt.datetime.combine(day, dt.time(10), tzinfo=TZ)
            source = "c1" if script == "s1" else "khan-cap"
            log.record_play(
                station_id=sid, day=day, slot="10:00", script_id=script, source=source,
                directive=f"CV {source}", file="x.mp3", title="x", start=start,
                end=start + dt.timedelta(seconds=30), result="played",
            )  # fmt: skip
        end = DAY0 + dt.timedelta(days=len(days) - 1)
        now = dt.datetime.combine(end + dt.timedelta(days=2), dt.time(9), tzinfo=TZ)
        rep = build_report(log, DAY0, end, now=now)
        lines = compare(log, None, None, DAY0, end, now)

    t = rep.total
    for group in (rep.by_directive, rep.by_station, rep.detail):
        assert sum(ln.planned for ln in group) == t.planned
        assert sum(ln.aired for ln in group) == t.aired
        assert sum(ln.not_aired for ln in group) == t.not_aired
    five = totals(lines)
    assert five.required == t.planned and five.aired + five.extra == t.aired
    assert five.aired + five.partly + five.missed + five.pending == five.required
    detail = Counter()
    for ln in rep.detail:
        detail[(ln.station, ln.source, "planned")] += ln.planned
        detail[(ln.station, ln.source, "aired")] += ln.aired
    for c in lines:
        assert c.required == detail[(c.station, c.source, "planned")]
        assert c.aired + c.extra == detail[(c.station, c.source, "aired")]
    # a station-day section 2 calls missed has a bulletin missed or cut in section 5
    missed_2 = {pair for ln in rep.by_station for pair in ln.missed}
    missed_5 = {(c.station, d) for c in lines for d in c.missed_days | c.partly_days}
    assert missed_2 <= missed_5
