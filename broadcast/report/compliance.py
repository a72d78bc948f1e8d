"""Planned against aired: what was planned, day by day, and what really aired.

For every day of the period that was built, what was planned is the record of that day
(:mod:`.record`: the as-run log's planned rows, else the frozen running order), never a
new plan from today's schedules and scripts, which may have changed since. Those counts
are the same as sections 1–3 of the report (planned = "Kế hoạch" there).

For each station and campaign (or one-off): planned, aired, partly aired (cut by an
emergency and not played again), missed, and not yet due (a session of today that has
not ended, or a day to come: never counted missed early); ``extra``: aired plays beyond
what was planned (an emergency, a replay), so that planned aired + extra = "Đã phát" of
section 2. Each missed bulletin gets the reason the log shows, first that applies:

- ``failed``: the player tried and failed;
- ``skipped``: the daemon skipped it (machine off past the session, too late to fit);
- ``station_off``: built, but nothing at all was recorded: the station did not air it.

Reported apart, never mixed into those counts:

- ``unplaced``: bulletins the schedule asked for on a built day but could not place
  (weekday limit, no session or window, no room left: the planner notes of that build,
  read from its running order file; reason ``not_scheduled``);
- ``unbuilt``: days never built ("không làm danh sách phát"), with what the schedule
  asks for on them; this part alone is computed from today's schedules, through the
  planner's own rules (``plan_day``), and is labelled so.

Bulletins are matched by (day, station, campaign, script).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from ..project.schedule import Schedule
from ..project.scripts import Script
from ..schedule.planner import plan_day
from ..vocabulary import TIMEZONE
from .asrun import AsRunLog, Play
from .record import DayRecord, records

TZ = ZoneInfo(TIMEZONE)
#: Note kinds of the planner that mean "requested, but this station will not air it".
UNPLACED = ("weekday", "no-session", "dropped", "outside-window")
#: The daemon's note on a play an emergency cut (playout/daemon.py INTERRUPTED).
INTERRUPTED_NOTE = "bị ngắt"
REASONS = {
    "failed": "lỗi khi phát",
    "skipped": "bỏ qua (lỡ buổi, máy tắt)",
    "station_off": "đài không phát (không có ghi nhận)",
}
#: Columns of the CSV (``ly_do_*``), in their old order; the last two are reported apart
#: now: bulletins the schedule could not place on a built day, and those it asks for on
#: days never built (not part of "yêu cầu", which is what was built).
CSV_REASONS = ("failed", "skipped", "not_scheduled", "not_built", "station_off")
NOT_SCHEDULED = "lịch không xếp được"
NOT_BUILT = "không làm danh sách phát"


@dataclass
class Compliance:
    """Planned (from the record) against aired for one station and one campaign or one-off."""

    station: str
    source: str
    directive: str = ""
    required: int = 0  # planned on built days: the record's bulletins
    aired: int = 0
    partly: int = 0
    missed: int = 0
    pending: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    missed_days: set[dt.date] = field(default_factory=set)
    #: days with a bulletin cut by an emergency and not played again
    partly_days: set[dt.date] = field(default_factory=set)
    #: aired plays beyond what was planned (emergency, replay, a day never built)
    extra: int = 0
    #: asked for by the schedule on a built day but not placed by that build
    unplaced: int = 0
    #: days never built that have begun by the time of the report: day -> bulletins the
    #: schedule asks for (computed from today's schedules)
    unbuilt: dict[dt.date, int] = field(default_factory=dict)
    #: days to come, not built yet: day -> bulletins the schedule asks for
    later: dict[dt.date, int] = field(default_factory=dict)

    def add(self, other: Compliance) -> None:
        self.required += other.required
        self.aired += other.aired
        self.partly += other.partly
        self.missed += other.missed
        self.pending += other.pending
        self.reasons.update(other.reasons)
        self.missed_days |= other.missed_days
        self.partly_days |= other.partly_days
        self.extra += other.extra
        self.unplaced += other.unplaced
        for mine, theirs in ((self.unbuilt, other.unbuilt), (self.later, other.later)):
            for day, n in theirs.items():
                mine[day] = mine.get(day, 0) + n

    @property
    def unbuilt_asked(self) -> int:
        return sum(self.unbuilt.values())

    @property
    def later_asked(self) -> int:
        return sum(self.later.values())

    @property
    def reason_text(self) -> str:
        return "; ".join(
            f"{text}: {self.reasons[k]}" for k, text in REASONS.items() if self.reasons[k]
        )

    def csv_reasons(self) -> list[int]:
        extra = {"not_scheduled": self.unplaced, "not_built": self.unbuilt_asked}
        return [extra[k] if k in extra else self.reasons.get(k, 0) for k in CSV_REASONS]


@dataclass(frozen=True)
class _Need:
    deadline: dt.datetime  # when the session it belongs to is over


def _interrupted(play: Play) -> bool:
    return play.result == "interrupted" or (
        play.result == "failed" and play.note.startswith(INTERRUPTED_NOTE)
    )


Key = tuple[dt.date, str, str, str]  # (day, station, source, script)


def planned_needs(recs: dict[tuple[dt.date, str], DayRecord]) -> dict[Key, list[_Need]]:
    """(day, station, source, script) -> one entry per bulletin the record planned."""
    out: dict[Key, list[_Need]] = {}
    for rec in recs.values():
        ends: dict[str, dt.datetime] = {}
        for p in rec.items:
            if p.slot not in ends:
                ends[p.slot] = rec.session_end(p.slot)
            out.setdefault((p.day, p.station_id, p.source, p.script_id), []).append(
                _Need(ends[p.slot])
            )
    return out


def unplaced_in(rec: DayRecord) -> Counter[str]:
    """source -> bulletins the build of ``rec`` could not place (its planner notes)."""
    placed = {(p.source, p.script_id) for p in rec.items}
    out: Counter[str] = Counter()
    for note in rec.notes:
        kind, script, source = note.get("kind"), note.get("script"), note.get("source") or ""
        if kind not in UNPLACED or not script:
            continue
        if kind == "outside-window" and (
            note.get("rule") == "oneoff-outside" or (source, script) in placed
        ):
            continue  # a one-off outside the windows still airs (it is placed)
        out[source] += 1
    return out


def required(
    schedule: Schedule,
    scripts: dict[str, Script],
    start: dt.date,
    end: dt.date,
    only: set[tuple[dt.date, str]] | None = None,
) -> dict[Key, int]:
    """(day, station, source, script) -> bulletins today's schedules ask for, placed or
    not. For days never built only (``only``: the (day, station) pairs wanted)."""
    out: dict[Key, int] = {}
    oneoffs = {o.id for o in schedule.oneoffs}
    day = start
    while day <= end:
        if only is not None and not any(d == day for d, _ in only):
            day += dt.timedelta(days=1)
            continue
        plan = plan_day(schedule, scripts, day)
        for sid, sessions in plan.sessions.items():
            if only is not None and (day, sid) not in only:
                continue
            for sess in sessions:
                for item in sess.items:
                    key = (day, sid, item.source, item.script_id)
                    out[key] = out.get(key, 0) + 1
                    # planner rule 8: one airing meets every campaign that asked for it
                    for other in dict.fromkeys(src for src, _ in item.also):
                        if other != item.source:
                            shared = (day, sid, other, item.script_id)
                            out[shared] = out.get(shared, 0) + 1
            for note in plan.notes_for(sid):
                if note.kind not in UNPLACED or not note.script_id:
                    continue
                if note.kind == "outside-window" and note.source in oneoffs:
                    continue
                key = (day, sid, note.source, note.script_id)
                out[key] = out.get(key, 0) + 1
        day += dt.timedelta(days=1)
    return out


def compare(
    log: AsRunLog,
    schedule: Schedule | None,
    scripts: dict[str, Script] | None,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    out_dir: Path | None = None,
) -> list[Compliance]:
    """One line per (station, campaign/one-off) with anything planned, aired or asked for
    in the period, sorted by station then source. Built days come from the record
    (``out_dir``: the output folder, by default the log's); without a ``schedule``, days
    never built are not listed."""
    recs = records(log, start, end, out_dir)
    needs = planned_needs(recs)
    plays: dict[Key, list[Play]] = {}
    for play in log.plays(start, end):
        plays.setdefault((play.day, play.station_id, play.source, play.script_id), []).append(play)
    lines: dict[tuple[str, str], Compliance] = {}

    def line(sid: str, source: str, directive: str = "") -> Compliance:
        ln = lines.setdefault((sid, source), Compliance(station=sid, source=source))
        if directive and not ln.directive:
            ln.directive = directive
        return ln

    for rec in recs.values():
        for p in rec.items:
            line(p.station_id, p.source, p.directive)
        for source, n in unplaced_in(rec).items():
            line(rec.station_id, source).unplaced += n
    for key in sorted(needs, key=lambda k: (k[1], k[2], k[0], k[3])):
        day, sid, source, _ = key
        ln = line(sid, source)
        wanted = sorted(needs[key], key=lambda n: n.deadline)
        got = plays.get(key, [])
        n_aired = sum(p.aired for p in got)
        aired = min(len(wanted), n_aired)
        ln.extra += n_aired - aired
        rest = wanted[aired:]
        partly = min(len(rest), sum(_interrupted(p) for p in got))
        rest = rest[partly:]
        ln.required += len(wanted)
        ln.aired += aired
        ln.partly += partly
        if partly:
            ln.partly_days.add(day)
        due = [n for n in rest if n.deadline <= now]
        ln.pending += len(rest) - len(due)
        failed = sum(p.result == "failed" and not _interrupted(p) for p in got)
        skipped = sum(p.result == "skipped" for p in got)
        for _need in due:
            if failed:
                failed -= 1
                reason = "failed"
            elif skipped:
                skipped -= 1
                reason = "skipped"
            else:
                reason = "station_off"
            ln.reasons[reason] += 1
            ln.missed += 1
            ln.missed_days.add(day)
    for key, got in plays.items():  # plays of nothing planned: aired beyond the plan
        if key not in needs:
            n_aired = sum(p.aired for p in got)
            if n_aired:
                line(key[1], key[2], got[0].directive).extra += n_aired
    if schedule is not None:
        _add_unbuilt(lines, line, recs, schedule, scripts or {}, start, end, now)
    return [lines[k] for k in sorted(lines)]


def _add_unbuilt(  # type: ignore[no-untyped-def]
    lines: dict[tuple[str, str], Compliance],
    line,
    recs: dict[tuple[dt.date, str], DayRecord],
    schedule: Schedule,
    scripts: dict[str, Script],
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
) -> None:
    """What the schedule asks for on the days never built, per station (apart)."""
    missing = set()
    day = start
    while day <= end:
        missing |= {(day, sid) for sid in schedule.stations if (day, sid) not in recs}
        day += dt.timedelta(days=1)
    if not missing:
        return
    labels = _directives(schedule, scripts)
    today = now.astimezone(TZ).date()
    for (day, sid, source, _), n in sorted(
        required(schedule, scripts, start, end, missing).items()
    ):
        ln = line(sid, source, labels.get(source, ""))
        days = ln.unbuilt if day <= today else ln.later
        days[day] = days.get(day, 0) + n


def _directives(schedule: Schedule, scripts: dict[str, Script]) -> dict[str, str]:
    out = {c.id: c.directive.label() for c in schedule.campaigns}
    for o in schedule.oneoffs:
        if o.script in scripts:
            out[o.id] = scripts[o.script].meta.directive.label()
    return out


def totals(lines: Iterable[Compliance], station: str = "", source: str = "") -> Compliance:
    total = Compliance(station=station, source=source)
    for ln in lines:
        total.add(ln)
    return total
