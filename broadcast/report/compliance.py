"""Planned against aired: what the directives required, day by day, and what really aired.

The rest of the report counts what the as-run log holds; a day nobody built leaves no
planned rows there, so it would vanish from "planned" and never show as missed. Here the
requirement comes from the schedules themselves (campaigns and one-offs), for every day
of the period, through the planner's own rules (``plan_day``: the same rotation, sessions
and drops the playlists get), and is matched against the plays in the log.

For each station and campaign (or one-off): required, aired, partly aired (cut by an
emergency and not played again), missed, and not yet due (a session of today that has
not ended, or a day to come: never counted missed early). Each missed bulletin gets the
reason the log shows, first that applies:

- ``failed``: the player tried and failed;
- ``skipped``: the daemon skipped it (machine off past the session, too late to fit);
- ``not_scheduled``: the schedule itself could not place it (weekday limit, no session
  or window, no room left that day: the ``plan`` notes);
- ``not_built``: the day was never built (no running order in the log for that station);
- ``station_off``: built, but nothing at all was recorded: the station did not air it.

Bulletins are matched by (day, station, campaign, script); plays beyond what was
required (an emergency, an extra one-off) are not counted here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ..project.schedule import Schedule
from ..project.scripts import Script
from ..schedule.planner import plan_day
from ..vocabulary import TIMEZONE
from .asrun import AsRunLog, Play

TZ = ZoneInfo(TIMEZONE)
#: Note kinds of the planner that mean "requested, but this station will not air it".
UNPLACED = ("weekday", "no-session", "dropped", "outside-window")
#: The daemon's note on a play an emergency cut (playout/daemon.py INTERRUPTED).
INTERRUPTED_NOTE = "bị ngắt"
REASONS = {
    "failed": "lỗi khi phát",
    "skipped": "bỏ qua (lỡ buổi, máy tắt)",
    "not_scheduled": "lịch không xếp được",
    "not_built": "chưa làm lịch ngày đó",
    "station_off": "đài không phát (không có ghi nhận)",
}


@dataclass
class Compliance:
    """Required against aired for one station and one campaign or one-off."""

    station: str
    source: str
    directive: str = ""
    required: int = 0
    aired: int = 0
    partly: int = 0
    missed: int = 0
    pending: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    missed_days: set[dt.date] = field(default_factory=set)

    def add(self, other: Compliance) -> None:
        self.required += other.required
        self.aired += other.aired
        self.partly += other.partly
        self.missed += other.missed
        self.pending += other.pending
        self.reasons.update(other.reasons)
        self.missed_days |= other.missed_days

    @property
    def reason_text(self) -> str:
        return "; ".join(
            f"{text}: {self.reasons[k]}" for k, text in REASONS.items() if self.reasons[k]
        )


@dataclass(frozen=True)
class _Need:
    deadline: dt.datetime  # when the session it belongs to is over
    unplaced: bool
    #: the source whose airing meets this need: another campaign's item of the same
    #: script in that session (planner rule 8: aired once, credited to each), or ""
    via: str = ""


def _interrupted(play: Play) -> bool:
    return play.result == "interrupted" or (
        play.result == "failed" and play.note.startswith(INTERRUPTED_NOTE)
    )


def required(
    schedule: Schedule,
    scripts: dict[str, Script],
    start: dt.date,
    end: dt.date,
) -> dict[tuple[dt.date, str, str, str], list[_Need]]:
    """(day, station, source, script) -> one entry per bulletin the directives ask for."""
    out: dict[tuple[dt.date, str, str, str], list[_Need]] = {}
    oneoffs = {o.id for o in schedule.oneoffs}
    day = start
    while day <= end:
        plan = plan_day(schedule, scripts, day)
        for sid, sessions in plan.sessions.items():
            last = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=TZ)
            for sess in sessions:
                begin = dt.datetime.combine(day, sess.start, tzinfo=TZ)
                over = begin + dt.timedelta(seconds=sess.used_s)
                if sess.window is not None:
                    over = max(over, dt.datetime.combine(day, sess.window[1], tzinfo=TZ))
                for item in sess.items:
                    key = (day, sid, item.source, item.script_id)
                    out.setdefault(key, []).append(_Need(over, False))
                    for other in dict.fromkeys(src for src, _ in item.also):
                        if other != item.source:  # the same campaign's twin: met by this
                            shared = (day, sid, other, item.script_id)
                            out.setdefault(shared, []).append(_Need(over, False, item.source))
            for note in plan.notes_for(sid):
                if note.kind not in UNPLACED or not note.script_id:
                    continue
                if note.kind == "outside-window" and note.source in oneoffs:
                    continue  # a one-off outside the windows still airs (it is placed)
                key = (day, sid, note.source, note.script_id)
                out.setdefault(key, []).append(_Need(last, True))
        day += dt.timedelta(days=1)
    return out


def compare(
    log: AsRunLog,
    schedule: Schedule,
    scripts: dict[str, Script],
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
) -> list[Compliance]:
    """One line per (station, campaign/one-off) with anything required in the period,
    sorted by station then source."""
    needs = required(schedule, scripts, start, end)
    built = {(p.day, p.station_id) for p in log.planned(start, end)}
    plays: dict[tuple[dt.date, str, str, str], list[Play]] = {}
    for play in log.plays(start, end):
        plays.setdefault((play.day, play.station_id, play.source, play.script_id), []).append(play)
    labels = _directives(schedule, scripts)
    lines: dict[tuple[str, str], Compliance] = {}
    for key in sorted(needs, key=lambda k: (k[1], k[2], k[0], k[3])):
        day, sid, source, _ = key
        line = lines.setdefault(
            (sid, source), Compliance(station=sid, source=source, directive=labels.get(source, ""))
        )
        wanted = sorted(needs[key], key=lambda n: n.deadline)
        got = list(plays.get(key, []))
        for via in dict.fromkeys(n.via for n in wanted if n.via):
            got.extend(plays.get((day, sid, via, key[3]), []))
        aired = min(len(wanted), sum(p.aired for p in got))
        rest = wanted[aired:]
        partly = min(len(rest), sum(_interrupted(p) for p in got))
        rest = rest[partly:]
        line.required += len(wanted)
        line.aired += aired
        line.partly += partly
        due = [n for n in rest if n.deadline <= now]
        line.pending += len(rest) - len(due)
        failed = sum(p.result == "failed" and not _interrupted(p) for p in got)
        skipped = sum(p.result == "skipped" for p in got)
        for need in due:
            if failed:
                failed -= 1
                reason = "failed"
            elif skipped:
                skipped -= 1
                reason = "skipped"
            elif need.unplaced:
                reason = "not_scheduled"
            elif (day, sid) not in built:
                reason = "not_built"
            else:
                reason = "station_off"
            line.reasons[reason] += 1
            line.missed += 1
            line.missed_days.add(day)
    return [lines[k] for k in sorted(lines)]


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
