"""Expand campaigns and one-off bulletins into a dated running order per station and session.

Pure: schedule, scripts and bulletin durations in, ``DayPlan`` out; the same inputs
always give the same order (so the same playlists, byte for byte). The rules, in the
order they apply (README, "Lịch phát / Scheduling"):

1. **Which days.** A campaign airs on a day inside its date range whose weekday it
   lists, on every station it targets (ids or groups). Scripts outside their own
   valid_from/valid_until are left out of the pool that day.
2. **How many.** Each slot airs ``times`` bulletins of the campaign (or ``per_day`` split
   over the slots, morning first). ``mode: rotate`` picks the campaign's scripts in turn;
   the rotation continues across slots and days and each station starts at a different
   offset, so over a campaign every script airs as often as every other, within one.
   ``mode: all`` airs every script in each slot.
3. **Level.** An item's level (Circular 39/2020/TT-BTTTT) is the more urgent of its
   campaign's (or one-off's) and its script's ``priority``.
4. **Slot to session.** A station airs in *sessions*, one per broadcast window
   (``windows: ["05:30-06:30", "17:00-18:00"]``). A slot ``at: 05:40`` joins the window
   that contains 05:40; a slot ``session: sáng`` joins the first window starting before
   12:00, ``session: chiều`` the first from 12:00. A station without windows airs each
   slot time as its own session (named sessions: 05:30 and 17:00). A campaign slot
   outside every window of a station does not air there (``check`` warns, ``plan``
   shows it); a one-off or an emergency airs at its time even outside the windows.
5. **Order in a session.** emergency, then priority, then normal; then the requested
   time, the campaign or one-off id, the script id. Items play back to back from the
   session's start (its earliest requested time), a station-ID jingle first and a
   chime between two bulletins.
6. **Overruns.** A session holds what fits in its window and in ``limits.max_session``.
   The first item that does not fit whole (a bulletin is never cut) and every item
   after it move to the station's next session that day, ahead of that session's own
   items of the same level; what does not fit in the last session is dropped. Every
   move and drop is a ``Note``. Emergency items are never moved or dropped: they air
   and the overrun is flagged.
7. **Limits.** On a weekday outside ``limits.weekdays``, normal items are dropped (the
   Hà Nội rule: weekends only for special cases), priority and emergency ones air.
   More sessions than ``limits.max_sessions_per_day`` are flagged, not cut.
8. **Emergency queue.** A bulletin queued by ``broadcast emergency`` joins, at the head,
   the first session on or after the time it was queued (that day, or the first session
   of the next day when none is left), once per station.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from ..scripts import Priority, Script
from .model import NOON, Campaign, Schedule, Station

#: When a station has no windows, named sessions air at these times.
DEFAULT_SESSIONS = {"morning": dt.time(5, 30), "evening": dt.time(17, 0)}
#: Estimate: eSpeak NG at ``rate`` "words" a minute reads ~1.3x that many Vietnamese
#: syllables (measured on the shipped scripts: 96-105 s estimated vs. measured 84-105 s).
SYLLABLES_PER_RATE_WORD = 1.3
#: Built-in chimes (broadcast/audio/jingles.py): 4 notes 0.42 s apart + 1.6 s ring, and
#: 2 notes 0.5 s apart + 1.6 s ring.
BUILTIN_JINGLE_S = {"intro": 2.86, "outro": 2.86, "between": 2.1, "station_id": 2.86}

Durations = Callable[[Station, Script], float]
JingleDurations = Callable[[Station], tuple[float, float]]  # (station ID, between)


def estimate_duration(station: Station, script: Script) -> float:
    """Seconds a bulletin of ``script`` will last on ``station``, from its text alone.

    Mirrors :func:`broadcast.audio.bulletin.assemble`: intro chime, 0.5 s, header
    ("<station> xin thông báo: <title>"), pause, the body ``repeat`` times with
    "Xin nhắc lại" and pauses between, a pause, outro chime. Speech time = syllables /
    (voice rate x 1.3) minutes. Within ~6 % of real eSpeak renders, on the long side.
    """
    body = len(script.text.split())
    header = len(station.name.split()) + 3 + len(script.meta.title.split())
    again = 3 * (station.repeat - 1)
    words = header + body * station.repeat + again
    speech = words * 60.0 / (station.voice.rate * SYLLABLES_PER_RATE_WORD)
    fixed = (
        BUILTIN_JINGLE_S["intro"]
        + BUILTIN_JINGLE_S["outro"]
        + 0.5
        + 2 * station.pause
        + (station.repeat - 1) * (station.pause + 0.5)
    )
    return round(speech + fixed, 1)


def builtin_jingles(station: Station) -> tuple[float, float]:
    return BUILTIN_JINGLE_S["station_id"], BUILTIN_JINGLE_S["between"]


_RANK = {p: p.rank for p in Priority}


@dataclass(slots=True)
class PlannedItem:
    """One bulletin in a station's day. Owned by the plan that made it (the planner sets
    its session start in place instead of copying: a province has a million of them)."""

    station_id: str
    day: dt.date
    slot: dt.time  # start of the session it airs in (the playlist's "slot")
    script_id: str
    source: str  # campaign or one-off id, or the emergency queue id
    priority: Priority
    directive: str
    at: dt.time | None = None  # time the campaign or one-off asked for
    duration_s: float = 0.0
    moved_from: dt.time | None = None
    title: str | None = None  # set for queued emergencies (their script is not in scripts/)
    file: str | None = None  # pre-rendered file (emergency queue), relative to OUT

    @property
    def sort_key(self) -> tuple[int, dt.time, str, str]:
        return (_RANK[self.priority], self.at or self.slot, self.source, self.script_id)


@dataclass(slots=True)
class Session:
    """One broadcast session of a station on a day: a window (or a bare slot time)."""

    station_id: str
    day: dt.date
    start: dt.time
    window: tuple[dt.time, dt.time] | None
    capacity_s: float | None
    station_id_s: float
    between_s: float
    items: list[PlannedItem] = field(default_factory=list)

    @property
    def used_s(self) -> float:
        if not self.items:
            return 0.0
        return (
            self.station_id_s
            + sum(i.duration_s for i in self.items)
            + self.between_s * (len(self.items) - 1)
        )

    @property
    def overrun_s(self) -> float:
        if self.capacity_s is None:
            return 0.0
        return max(0.0, round(self.used_s - self.capacity_s, 3))

    @property
    def name(self) -> str:
        return "sáng" if self.start < NOON else "chiều"


@dataclass(frozen=True, slots=True)
class Note:
    """Something the planner did or could not do that an officer should see."""

    day: dt.date
    station_id: str
    kind: str  # overrun | moved | dropped | outside-window | no-session | sessions | weekday
    text: str
    slot: dt.time | None = None
    source: str = ""
    script_id: str = ""


@dataclass(frozen=True)
class QueuedBulletin:
    """An emergency bulletin from the queue ``broadcast emergency`` writes."""

    id: str
    created: dt.datetime  # aware, Asia/Ho_Chi_Minh
    stations: tuple[str, ...]
    script_id: str
    title: str
    directive: str
    files: dict[str, str]  # station id -> file relative to the output folder
    durations: dict[str, float]
    now: bool = False
    #: station id -> {"interrupt": "now"|"after_item", "after": "resume"|"drop"}
    policy: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class DayPlan:
    day: dt.date
    sessions: dict[str, list[Session]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)

    @property
    def stations(self) -> dict[str, list[PlannedItem]]:
        return {sid: self.items(sid) for sid in self.sessions}

    def items(self, station_id: str) -> list[PlannedItem]:
        return [i for s in self.sessions.get(station_id, []) for i in s.items]

    def notes_for(self, station_id: str) -> list[Note]:
        cached = getattr(self, "_note_index", None)
        if cached is None or cached[0] != len(self.notes):
            index: dict[str, list[Note]] = {}
            for n in self.notes:
                index.setdefault(n.station_id, []).append(n)
            cached = self._note_index = (len(self.notes), index)
        return cached[1].get(station_id, [])

    def slots(self, station_id: str) -> dict[dt.time, list[PlannedItem]]:
        return {s.start: list(s.items) for s in self.sessions.get(station_id, []) if s.items}


def campaign_scripts(campaign: Campaign, scripts: dict[str, Script], day: dt.date) -> list[str]:
    ids = sorted(scripts) if campaign.scripts == "all" else list(campaign.scripts)
    return [s for s in ids if s in scripts and scripts[s].valid_on(day)]


def _active_days_before(campaign: Campaign, day: dt.date) -> int:
    """How many days the campaign aired before ``day`` (for a rotation that never resets)."""
    total = (day - campaign.start).days
    full_weeks, rest = divmod(total, 7)
    weekdays = set(campaign.weekdays)
    count = full_weeks * len(weekdays)
    for i in range(rest):
        if (campaign.start + dt.timedelta(days=full_weeks * 7 + i)).weekday() in weekdays:
            count += 1
    return count


def _more_urgent(a: Priority, b: Priority) -> Priority:
    return a if a.rank <= b.rank else b


def _requests(
    schedule: Schedule, scripts: dict[str, Script], day: dt.date
) -> dict[str, list[tuple[PlannedItem, str | None]]]:
    """(item, session name or None) per station, before placement in sessions."""
    out: dict[str, list[tuple[PlannedItem, str | None]]] = {sid: [] for sid in schedule.stations}
    for campaign in sorted(schedule.campaigns, key=lambda c: c.id):
        if not campaign.active_on(day):
            continue
        pool = campaign_scripts(campaign, scripts, day)
        if not pool:
            continue
        slots = campaign.slot_times()
        per_day = sum(n for _, n in slots)
        day_offset = _active_days_before(campaign, day) * per_day
        # Station k continues the rotation where station k-1 ends over the whole
        # campaign: each station's sequence is contiguous (fair within one), and so is
        # their union (fair overall). When the total divides evenly every count is equal
        # anyway; then shift by k so that stations do not air the same script at once.
        total = _active_days_before(campaign, campaign.end + dt.timedelta(days=1)) * per_day
        shift = 1 if total % len(pool) == 0 else 0
        label = campaign.directive.label()
        levels = {s: _more_urgent(campaign.priority, scripts[s].meta.priority) for s in pool}
        for k, sid in enumerate(schedule.resolve_targets(campaign.stations)):
            cursor = day_offset + k * (total + shift)
            bucket = out[sid]
            for slot, times in slots:
                if campaign.mode == "all":
                    chosen = pool
                else:
                    chosen = [pool[(cursor + k) % len(pool)] for k in range(times)]
                    cursor += times
                for script_id in chosen:
                    item = PlannedItem(
                        station_id=sid,
                        day=day,
                        slot=slot.at or dt.time(0),
                        script_id=script_id,
                        source=campaign.id,
                        priority=levels[script_id],
                        directive=label,
                        at=slot.at,
                    )
                    bucket.append((item, slot.session))
    for oneoff in sorted(schedule.oneoffs, key=lambda o: o.id):
        if oneoff.date != day or oneoff.script not in scripts:
            continue
        script = scripts[oneoff.script]
        label = script.meta.directive.label()
        level = _more_urgent(oneoff.priority, script.meta.priority)
        for sid in schedule.resolve_targets(oneoff.stations):
            out[sid].append(
                (
                    PlannedItem(
                        station_id=sid,
                        day=day,
                        slot=oneoff.at,
                        script_id=oneoff.script,
                        source=oneoff.id,
                        priority=level,
                        directive=label,
                        at=oneoff.at,
                    ),
                    "oneoff",
                )
            )
    return out


_WINDOWS: dict[int, tuple[Station, list[tuple[dt.time, dt.time]]]] = {}


def _sorted_windows(station: Station) -> list[tuple[dt.time, dt.time]]:
    """A station's windows in order (memoized: stations are immutable)."""
    hit = _WINDOWS.get(id(station))
    if hit is None or hit[0] is not station:
        if len(_WINDOWS) > 200_000:
            _WINDOWS.clear()
        hit = (station, sorted(station.windows))
        _WINDOWS[id(station)] = hit
    return hit[1]


def _window_for(station: Station, at: dt.time) -> tuple[dt.time, dt.time] | None:
    for w in _sorted_windows(station):
        if w[0] <= at < w[1]:
            return w
    return None


def _named_window(station: Station, session: str) -> tuple[dt.time, dt.time] | None:
    for w in _sorted_windows(station):
        if (w[0] < NOON) == (session == "morning"):
            return w
    return None


def slot_outside_windows(station: Station, at: dt.time | None, session: str | None) -> bool:
    """True when a campaign slot cannot air on ``station`` (for ``check``)."""
    if not station.windows:
        return False
    if at is not None:
        return _window_for(station, at) is None
    return _named_window(station, session or "morning") is None


def _fmt(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} phút {s:02d} giây" if m else f"{s} giây"


def _place_station(
    station: Station,
    day: dt.date,
    requests: list[tuple[PlannedItem, str | None]],
    queued: list[PlannedItem],
    jingle_s: tuple[float, float],
    notes: list[Note],
) -> list[Session]:
    sid = station.id
    by_start: dict[dt.time, tuple[tuple[dt.time, dt.time] | None, list[PlannedItem]]] = {}
    cap = station.limits.max_session
    allowed_day = station.limits.weekdays is None or day.weekday() in station.limits.weekdays

    def add(start: dt.time, window: tuple[dt.time, dt.time] | None, item: PlannedItem) -> None:
        key = window[0] if window else start
        win, items = by_start.setdefault(key, (window, []))
        items.append(item)

    for item, session in requests:
        if not allowed_day and item.priority is Priority.normal:
            notes.append(
                Note(
                    day,
                    sid,
                    "weekday",
                    (
                        f"'{item.script_id}' ({item.source}) không phát: ngày {day:%d/%m} ngoài các "
                        "ngày đài được phát (limits.weekdays)"
                    ),
                    item.at,
                    item.source,
                    item.script_id,
                )
            )
            continue
        if session in ("morning", "evening"):
            window = _named_window(station, session)
            if window is None and station.windows:
                notes.append(
                    Note(
                        day,
                        sid,
                        "no-session",
                        (
                            f"'{item.script_id}' ({item.source}) không phát: đài không có buổi "
                            f"{'sáng' if session == 'morning' else 'chiều'}"
                        ),
                        None,
                        item.source,
                        item.script_id,
                    )
                )
                continue
            start = window[0] if window else DEFAULT_SESSIONS[session]
            item.at = start
            add(start, window, item)
            continue
        assert item.at is not None
        window = _window_for(station, item.at)
        if window is None and station.windows:
            if session == "oneoff":
                notes.append(
                    Note(
                        day,
                        sid,
                        "outside-window",
                        (
                            f"'{item.script_id}' ({item.source}) phát lúc {item.at:%H:%M}, ngoài mọi "
                            "khung giờ của đài (bản tin riêng vẫn phát)"
                        ),
                        item.at,
                        item.source,
                        item.script_id,
                    )
                )
            else:
                notes.append(
                    Note(
                        day,
                        sid,
                        "outside-window",
                        (
                            f"'{item.script_id}' ({item.source}) không phát: {item.at:%H:%M} nằm ngoài "
                            "mọi khung giờ của đài"
                        ),
                        item.at,
                        item.source,
                        item.script_id,
                    )
                )
                continue
        add(item.at, window, item)

    for item in queued:
        window = _window_for(station, item.at) if item.at else None
        add(item.at or dt.time(0), window, item)

    sessions: list[Session] = []
    for key in sorted(by_start):
        window, items = by_start[key]
        start = min(i.at or key for i in items)
        if window is not None:
            start = max(start, window[0])
        capacity: float | None = None
        if window is not None:
            capacity = (
                dt.datetime.combine(day, window[1]) - dt.datetime.combine(day, start)
            ).total_seconds()
        if cap is not None:
            capacity = cap if capacity is None else min(capacity, cap)
        sessions.append(
            Session(
                sid,
                day,
                start,
                window,
                capacity,
                jingle_s[0],
                jingle_s[1],
                sorted(items, key=lambda i: i.sort_key),
            )
        )

    carry: list[PlannedItem] = []
    for n, sess in enumerate(sessions):
        pending = sorted(sess.items + carry, key=lambda i: i.sort_key)
        carry = []
        placed: list[PlannedItem] = []
        used = sess.station_id_s
        blocked = False
        for item in pending:
            need = item.duration_s + (sess.between_s if placed else 0.0)
            fits = sess.capacity_s is None or used + need <= sess.capacity_s + 1e-6
            if item.priority is Priority.emergency or (fits and not blocked):
                item.slot = sess.start
                placed.append(item)
                used += need
            else:
                blocked = True
                carry.append(item)
        sess.items = placed
        if sess.overrun_s > 0:
            notes.append(
                Note(
                    day,
                    sid,
                    "overrun",
                    (
                        f"buổi {sess.start:%H:%M} dài {_fmt(sess.used_s)}, quá "
                        f"{_fmt(sess.capacity_s or 0)} cho phép {_fmt(sess.overrun_s)} "
                        "(bản tin khẩn cấp không dời được)"
                    ),
                    sess.start,
                )
            )
        if carry and n + 1 < len(sessions):
            nxt = sessions[n + 1].start
            for item in carry:
                notes.append(
                    Note(
                        day,
                        sid,
                        "moved",
                        (
                            f"'{item.script_id}' ({item.source}) không đủ chỗ ở buổi "
                            f"{sess.start:%H:%M}, dời sang buổi {nxt:%H:%M}"
                        ),
                        sess.start,
                        item.source,
                        item.script_id,
                    )
                )
            for i in carry:
                i.moved_from = i.moved_from or sess.start
        elif carry:
            for item in carry:
                notes.append(
                    Note(
                        day,
                        sid,
                        "dropped",
                        (
                            f"'{item.script_id}' ({item.source}) không phát: buổi {sess.start:%H:%M} "
                            f"không đủ chỗ ({_fmt(item.duration_s)}) và không còn buổi sau trong ngày"
                        ),
                        sess.start,
                        item.source,
                        item.script_id,
                    )
                )
            carry = []
    sessions = [s for s in sessions if s.items]
    limit = station.limits.max_sessions_per_day
    if limit is not None and len(sessions) > limit:
        notes.append(
            Note(
                day,
                sid,
                "sessions",
                (
                    f"{len(sessions)} buổi trong ngày, quá {limit} buổi cho phép (limits."
                    "max_sessions_per_day)"
                ),
                sessions[limit].start,
            )
        )
    return sessions


def _queued_items(
    station: Station,
    day: dt.date,
    queued: Iterable[QueuedBulletin],
    previous_starts: Callable[[], list[dt.time]],
    own_starts: list[dt.time],
) -> list[PlannedItem]:
    out = []
    for q in sorted(queued, key=lambda q: (q.created, q.id)):
        if station.id not in q.stations:
            continue
        created = q.created.astimezone(q.created.tzinfo)
        when: dt.time | None = None
        if created.date() == day:
            when = next((s for s in own_starts if s >= created.time().replace(microsecond=0)), None)
        elif created.date() + dt.timedelta(days=1) == day:
            if not any(s >= created.time() for s in previous_starts()):
                when = own_starts[0] if own_starts else None
        if when is None:
            continue
        out.append(
            PlannedItem(
                station_id=station.id,
                day=day,
                slot=when,
                script_id=q.script_id,
                source=q.id,
                priority=Priority.emergency,
                directive=q.directive,
                at=when,
                duration_s=q.durations.get(station.id, 0.0),
                title=q.title,
                file=q.files.get(station.id),
            )
        )
    return out


def plan_day(
    schedule: Schedule,
    scripts: dict[str, Script],
    day: dt.date,
    durations: Durations | None = None,
    jingles: JingleDurations | None = None,
    queued: Iterable[QueuedBulletin] = (),
    stations: Iterable[str] | None = None,
) -> DayPlan:
    """The running order of ``day`` for every station (or only ``stations``).

    ``durations(station, script)`` gives each bulletin's seconds: real ones after a
    render, :func:`estimate_duration` by default. ``queued`` are emergency bulletins.
    """
    # A province plans ~10^5 small acyclic objects a day: the cyclic GC would rescan the
    # whole heap (every station model) again and again for nothing.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _plan_day(schedule, scripts, day, durations, jingles, queued, stations)
    finally:
        if gc_was_enabled:
            gc.enable()


def _plan_day(
    schedule: Schedule,
    scripts: dict[str, Script],
    day: dt.date,
    durations: Durations | None,
    jingles: JingleDurations | None,
    queued: Iterable[QueuedBulletin],
    stations: Iterable[str] | None,
) -> DayPlan:
    duration = durations or estimate_duration
    jingle = jingles or builtin_jingles
    queued = list(queued)
    plan = DayPlan(day=day)
    requests = _requests(schedule, scripts, day)
    wanted = list(stations) if stations is not None else list(schedule.stations)
    cache: dict[tuple[str, str], float] = {}
    for sid in wanted:
        station = schedule.stations[sid]
        reqs = requests[sid]
        for item, _ in reqs:
            key = (sid, item.script_id)
            if key not in cache:
                cache[key] = float(duration(station, scripts[item.script_id]))
            item.duration_s = cache[key]
        extra: list[PlannedItem] = []
        if queued:
            scratch: list[Note] = []
            copies = [(replace(i), sess) for i, sess in reqs]
            own = [
                s.start for s in _place_station(station, day, copies, [], jingle(station), scratch)
            ]
            own = sorted(set(own) | {w[0] for w in station.windows})

            def previous(station: Station = station) -> list[dt.time]:
                prev = plan_day(
                    schedule,
                    scripts,
                    day - dt.timedelta(days=1),
                    durations,
                    jingles,
                    (),
                    [station.id],
                )
                return [s.start for s in prev.sessions[station.id]] + [
                    w[0] for w in station.windows
                ]

            extra = _queued_items(station, day, queued, previous, own)
        plan.sessions[sid] = _place_station(station, day, reqs, extra, jingle(station), plan.notes)
    return plan


def requested_scripts(
    schedule: Schedule, scripts: dict[str, Script], day: dt.date
) -> dict[str, list[str]]:
    """Script ids each station may air on ``day`` (before any move or drop), sorted."""
    reqs = _requests(schedule, scripts, day)
    return {sid: sorted({i.script_id for i, _ in items}) for sid, items in reqs.items()}
