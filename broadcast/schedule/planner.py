"""Expand campaigns and one-off bulletins into a dated running order per station and session.

Pure: schedule, scripts and bulletin durations in, ``DayPlan`` out; the same inputs
always give the same order (so the same playlists, byte for byte), and planning a day
alone gives the same answer as planning it inside a range. No process-wide state: the
only memory is the ``Planner`` object a caller holds (a fairness ledger and durations).

The rules (docs/huong-dan-can-bo.md, "Lịch phát và các quy tắc"). Invariants 1-9 hold by construction and
are checked by property tests (tests/schedule/test_planner_properties.py):

1. **No overlap.** A station never plays two things at once: sessions are filled in
   time order and each starts no earlier than the previous one ends (a one-off at 05:29
   pushes the 05:30 session back; two bare slots at 05:40 and 05:41 play one after the
   other). Inside a session items play back to back: a station-ID jingle, then the
   bulletins with a chime between two.
2. **Caps are hard.** A session holds what fits in its window and in
   ``limits.max_session`` (a bulletin is never cut); at most
   ``limits.max_sessions_per_day`` sessions air (morning ones first, rule 9; then those
   with priority requests, the most requested airtime, the earliest; free windows fill
   the remaining places, as room for overflow); the items of a session that may not
   open move to the next open one, or to the last open one before it. On a weekday
   outside ``limits.weekdays`` normal items do not air. Only an emergency may exceed a
   cap, and then the plan says so (notes ``overrun`` / ``sessions``).
3. **Nothing lost silently.** Per station and day, every requested bulletin airs in
   its session, airs in a later one (``moved``, with ``moved_from``) or does not air,
   and then exactly one note with ``lost=True`` says why. ``summarize`` gives the
   per-station lines ``build`` and ``plan`` print.
4. **Validity everywhere.** No item airs on a day outside its script's
   valid_from/valid_until: campaigns leave such scripts out of the pool (a campaign
   left with none says so), a one-off on such a day is dropped with a note.
5. **Fair share.** Inside a level, items are ordered by how much of what their
   campaign asked it has received: the j-th of w items a campaign asks today is keyed
   (aired_before + j + 1) / (asked_before + w), counted over the campaign's earlier
   days on that station (a deficit carried forward, recomputed from those days so it
   does not depend on what was planned before in this process); a campaign with
   ``share: airtime`` counts seconds instead of bulletins in both. Campaigns asking for
   the same session thus share it in proportion to what they ask, and one starved
   yesterday goes first today. Ties are broken by a hash of (campaign, day), never by
   the alphabet. Within a campaign, ``mode: rotate`` takes the scripts in turn (each
   station at its own offset, counts within one of each other) and, every time the
   rotation has gone through scripts × slots once, shifts which pick goes to which
   slot: each script reaches the morning and the evening sessions in proportion, and
   the opener of the day rotates. ``mode: all`` airs every script in each slot, the
   first one turning with each slot, day and station.
6. **Overflow goes to any free room.** What does not fit in its session moves to the
   next session that day with space, including a window nobody asked for; an item
   that fits no remaining session is dropped alone and the rest of the day is still
   filled (smaller items after it still go in).
7. **Levels** (Circular 39/2020/TT-BTTTT): the level of an item is the more urgent of
   its campaign's (or one-off's) and its script's ``priority``. Emergency first, then
   priority, then normal. Emergencies are never moved or dropped. When a priority item
   cannot fit because another priority item took the room, a ``clash`` note names
   both so the operator decides.

8. **No repeats** (issue 22). A station never airs one script twice in a session:
   requests for a script already placed there (another campaign's, a one-off's, the
   same campaign's) are met by that airing, credited to each (``also``, ``credits()``:
   the fairness ledger and the airtime shares count it for every campaign) with a
   ``shared`` note. Nor twice in a row across sessions (and days) while another script
   waits: the rotation's slot shift is chosen so that one campaign's sequence never
   repeats, and after placement a session that would open with the script the one
   before closed with is reordered (within its level), or the one before closes with
   another item, or the repeating campaign item airs another script of its pool that
   fits. Emergencies are never merged.

9. **The morning first** (issue 22). Under ``max_sessions_per_day`` the morning rooms
   with requests open before the evening ones (rule 2), so an evening item never moves
   the morning's bulletins out: it moves into the morning instead (or is dropped,
   noted). A bulletin leaves the morning only when the morning is full (rule 6). A
   rotating campaign's picks of a day go to its slots longest-first into the morning
   (same level, never one script twice a session), so with at least as many morning
   bulletins as evening ones its morning airtime is at least its evening airtime.

How a request finds its session: a station airs in *sessions*, one per broadcast
window (``windows: ["05:30-06:30", "17:00-18:00"]``). A slot ``at: 05:40`` joins the
window containing 05:40; ``session: sáng`` the first window starting before 12:00,
``session: chiều`` the first from 12:00. A station without windows airs each slot time
as its own session (named sessions at 05:30 and 17:00). A campaign slot outside every
window does not air there (noted); a one-off or an emergency airs at its time even
outside the windows. A bulletin queued by ``broadcast emergency`` heads the first
session on or after the time it was queued (or the first of the next day), once.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from ..project.schedule import NOON, Campaign, Schedule, Station
from ..project.scripts import Priority, Script
from .notes import Note, hm, make_note, mmss, withheld_note

__all__ = [
    "DayPlan",
    "Note",
    "PlannedItem",
    "Planner",
    "QueuedBulletin",
    "Session",
    "estimate_duration",
    "plan_day",
    "requested_scripts",
]

#: When a station has no windows, named sessions air at these times.
DEFAULT_SESSIONS = {"morning": dt.time(5, 30), "evening": dt.time(17, 0)}
#: The officer's word for a named session.
SESSION_WORDS = {"morning": "sáng", "evening": "chiều"}
#: Estimate: eSpeak NG at ``rate`` "words" a minute reads ~1.3x that many Vietnamese
#: syllables. Only a fallback: ``broadcast.schedule.estimate`` measures the real spoken text.
SYLLABLES_PER_RATE_WORD = 1.3
#: Built-in chimes (broadcast/audio/jingles.py), for the text-only fallback estimate.
BUILTIN_JINGLE_S = {"intro": 2.86, "outro": 2.86, "between": 2.1, "station_id": 2.86}

Durations = Callable[[Station, Script], float]
JingleDurations = Callable[[Station], tuple[float, float]]  # (station ID, between)
#: How far back the fairness ledger looks (a campaign longer than a year is re-based).
MAX_HISTORY_DAYS = 366


def estimate_duration(station: Station, script: Script, body_words: int | None = None) -> float:
    """Seconds a bulletin of ``script`` will last on ``station``, from its text alone.

    Mirrors :func:`broadcast.audio.bulletin.assemble`: intro chime, 0.5 s, header
    ("<station> xin thông báo: <title>"), pause, the body ``repeat`` times with
    "Xin nhắc lại" and pauses between, a pause, outro chime. Speech time = syllables /
    (voice rate x 1.3) minutes. Within ~6 % of real eSpeak renders, on the long side.
    ``body_words``: the body's words counted in its spoken form (numbers read out), when
    the caller has it; otherwise the page's words.
    """
    body = len(script.text.split()) if body_words is None else body_words
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
    share: float = 0.0  # fairness key (rule 5): lower airs first within a level
    campaign: bool = False  # requested by a campaign (counted in the fairness ledger)
    tie: int = 0  # breaks equal shares: a hash of (source, day), never the alphabet
    ask: str | None = None  # "morning"/"evening" (named session), "oneoff", or None (a time)
    #: other requests this item meets (rule 8): (source, is a campaign) each; the same
    #: script asked twice for one session airs once and counts for every source
    also: tuple[tuple[str, bool], ...] = ()
    #: scripts of the campaign's pool at this item's level that could air in its place
    #: instead of a repeat (rule 8), and their seconds on this station (set by ``Planner``)
    pool: tuple[str, ...] = ()
    alts: tuple[tuple[str, float], ...] = ()
    #: the campaign shares by airtime (``share: airtime``), not by bulletin count (rule 5)
    by_airtime: bool = False

    def credits(self) -> list[str]:
        """Campaigns this item counts for: its own (if a campaign) and those it also meets."""
        own = [self.source] if self.campaign else []
        return own + [src for src, is_campaign in self.also if is_campaign]

    @property
    def sort_key(self) -> tuple[int, float, int, dt.time, str]:
        return (_RANK[self.priority], self.share, self.tie, self.at or self.slot, self.script_id)


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
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.day, self.start) + dt.timedelta(seconds=self.used_s)

    @property
    def name(self) -> str:
        return "sáng" if self.start < NOON else "chiều"


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
    _note_index: dict[str, list[Note]] | None = field(default=None, repr=False, compare=False)

    @property
    def stations(self) -> dict[str, list[PlannedItem]]:
        return {sid: self.items(sid) for sid in self.sessions}

    def items(self, station_id: str) -> list[PlannedItem]:
        return [i for s in self.sessions.get(station_id, []) for i in s.items]

    def notes_for(self, station_id: str) -> list[Note]:
        if self._note_index is None:
            index: dict[str, list[Note]] = {}
            for n in self.notes:
                index.setdefault(n.station_id, []).append(n)
            self._note_index = index
        return self._note_index.get(station_id, [])

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


def _validity(script: Script) -> str:
    m = script.meta
    a = f"{m.valid_from:%d/%m/%Y}" if m.valid_from else "…"
    b = f"{m.valid_until:%d/%m/%Y}" if m.valid_until else "…"
    return f"hiệu lực {a} – {b}"


def rotation(pool_size: int, per_day: int, first: int) -> list[int]:
    """Pool indexes for one station's day of a rotating campaign, by slot position.

    The picks are the contiguous run ``first .. first+per_day-1`` of the endless
    rotation (so counts stay within one of each other); which pick goes to which slot
    position shifts each time the rotation has covered scripts x positions (lcm of the
    two), so every script reaches every slot position, and the opener (position 0)
    rotates through the pool. The shift is chosen so that the day's positions, read in
    order and across days, never air one script twice in a row (rule 8): with two
    scripts and an even number of positions a day that cannot be had with variety, and
    the scripts simply alternate.
    """
    picks = [(first + q) % pool_size for q in range(per_day)]
    step = _shift_step(pool_size, per_day)
    if step == 0:
        return picks
    shift = ((first // math.lcm(pool_size, per_day)) * step) % per_day
    return [picks[(p - shift) % per_day] for p in range(per_day)]


@functools.lru_cache(maxsize=256)
def _shift_step(pool_size: int, per_day: int) -> int:
    """How far the slot assignment shifts per lcm block: the smallest step whose endless
    sequence has no script twice in a row and reaches the most positions; 0 = no shift."""
    n, k = pool_size, per_day
    if n <= 2 or k <= 1 or (k - 1) % n == 0 or (k + 1) % n == 0:
        return 0
    period = math.lcm(n, k)  # positions per block; the shift repeats after k blocks
    days = period // k * k + 1
    if days * k * k > 400_000:
        return 1  # very large pools: one step (repeats stay rare), not a long search
    best, best_key = 0, (0, 0)
    for step in range(1, k + 1):
        seq: list[int] = []
        reach: dict[int, set[int]] = {}
        for d in range(days):
            first = d * k
            shift = ((first // period) * step) % k
            for p in range(k):
                i = (first + (p - shift) % k) % n
                reach.setdefault(i, set()).add(p)
                seq.append(i)
        repeats = sum(1 for a, b in zip(seq, seq[1:], strict=False) if a == b)
        key = (-repeats, min(len(v) for v in reach.values()))
        if repeats == 0 and (best == 0 or key > best_key):
            best, best_key = step, key
    return best


Request = PlannedItem  # before placement: ``ask`` says how it asked for its session


class Targets:
    """Station ids each campaign and one-off targets, resolved once per schedule."""

    def __init__(self, schedule: Schedule) -> None:
        self.campaigns = {c.id: schedule.resolve_targets(c.stations) for c in schedule.campaigns}
        self.index = {cid: {s: k for k, s in enumerate(ids)} for cid, ids in self.campaigns.items()}
        self.oneoffs = {o.id: schedule.resolve_targets(o.stations) for o in schedule.oneoffs}


def _requests(
    schedule: Schedule,
    scripts: dict[str, Script],
    day: dt.date,
    stations: Iterable[str] | None = None,
    targets: Targets | None = None,
    withheld: Mapping[str, str] | None = None,
) -> tuple[dict[str, list[Request]], dict[str, list[Note]]]:
    """Requests per station before placement, and notes on what cannot even be asked.

    A script a campaign or one-off names that is not in ``scripts`` (no file, a file with
    an error, a draft when approval is on: ``withheld`` says which, default no file) is
    left out with a ``withheld`` note on every station and day it was asked for."""
    targets = targets or Targets(schedule)
    withheld = withheld or {}
    wanted = set(schedule.stations if stations is None else stations)
    out: dict[str, list[Request]] = {sid: [] for sid in schedule.stations if sid in wanted}
    notes: dict[str, list[Note]] = {}
    for campaign in sorted(schedule.campaigns, key=lambda c: c.id):
        if not campaign.active_on(day):
            continue
        all_targets = targets.campaigns[campaign.id]
        index = targets.index[campaign.id]
        if len(wanted) < len(all_targets):
            chosen_targets = sorted((s for s in wanted if s in index), key=index.__getitem__)
        else:
            chosen_targets = [s for s in all_targets if s in wanted]
        if not chosen_targets:
            continue
        if campaign.scripts != "all":
            for script_id in dict.fromkeys(campaign.scripts):
                if script_id in scripts:
                    continue
                reason = withheld.get(script_id, "missing")
                for sid in chosen_targets:
                    notes.setdefault(sid, []).append(
                        withheld_note(day, sid, None, campaign.id, script_id, reason)
                    )
        pool = campaign_scripts(campaign, scripts, day)
        if not pool:
            named_here = campaign.scripts == "all" or any(s in scripts for s in campaign.scripts)
            for sid in chosen_targets if named_here else ():
                notes.setdefault(sid, []).append(
                    make_note("no-script", day, sid, source=campaign.id)
                )
            continue
        slots = campaign.slot_times()
        positions = [slot for slot, times in slots for _ in range(times)]
        per_day = len(positions)
        day_offset = _active_days_before(campaign, day) * per_day
        # Station k continues the rotation where station k-1 ends over the whole
        # campaign: each station's sequence is contiguous (fair within one), and so is
        # their union (fair overall). When the total divides evenly every count is equal
        # anyway; then shift by k so that stations do not air the same script at once.
        total = _active_days_before(campaign, campaign.end + dt.timedelta(days=1)) * per_day
        shift = 1 if total % len(pool) == 0 else 0
        label = campaign.directive.label()
        levels = {s: _more_urgent(campaign.priority, scripts[s].meta.priority) for s in pool}
        same_level = {lv: tuple(s for s in pool if levels[s] is lv) for lv in set(levels.values())}
        for sid in chosen_targets:
            k = index[sid]
            bucket = out[sid]
            if campaign.mode == "all":
                # every script in each slot; who opens turns with each slot, day and station
                turn = day_offset + k
                chosen = [
                    (slot, pool[(turn + n + q) % len(pool)])
                    for n, (slot, _) in enumerate(slots)
                    for q in range(len(pool))
                ]
            else:
                first = day_offset + k * (total + shift)
                order = rotation(len(pool), per_day, first)
                chosen = [(positions[p], pool[order[p]]) for p in range(per_day)]
            for slot, script_id in chosen:
                item = PlannedItem(
                    station_id=sid,
                    day=day,
                    slot=slot.at or dt.time(0),
                    script_id=script_id,
                    source=campaign.id,
                    priority=levels[script_id],
                    directive=label,
                    at=slot.at,
                    campaign=True,
                    ask=slot.session,
                    pool=same_level[levels[script_id]] if campaign.mode == "rotate" else (),
                    by_airtime=campaign.share == "airtime",
                )
                bucket.append(item)
    for oneoff in sorted(schedule.oneoffs, key=lambda o: o.id):
        if oneoff.date != day:
            continue
        oneoff_targets = [s for s in targets.oneoffs[oneoff.id] if s in wanted]
        if oneoff.script not in scripts:
            reason = withheld.get(oneoff.script, "missing")
            for sid in oneoff_targets:
                notes.setdefault(sid, []).append(
                    withheld_note(day, sid, oneoff.at, oneoff.id, oneoff.script, reason)
                )
            continue
        script = scripts[oneoff.script]
        if not script.valid_on(day):
            for sid in oneoff_targets:
                notes.setdefault(sid, []).append(
                    make_note(
                        "invalid",
                        day,
                        sid,
                        oneoff.at,
                        oneoff.id,
                        oneoff.script,
                        valid=_validity(script),
                    )
                )
            continue
        label = script.meta.directive.label()
        level = _more_urgent(oneoff.priority, script.meta.priority)
        for sid in oneoff_targets:
            out[sid].append(
                PlannedItem(
                    station_id=sid,
                    day=day,
                    slot=oneoff.at,
                    script_id=oneoff.script,
                    source=oneoff.id,
                    priority=level,
                    directive=label,
                    at=oneoff.at,
                    ask="oneoff",
                )
            )
    return out, notes


def _window_for(
    windows: list[tuple[dt.time, dt.time]], at: dt.time
) -> tuple[dt.time, dt.time] | None:
    for w in windows:
        if w[0] <= at < w[1]:
            return w
    return None


def _named_window(
    windows: list[tuple[dt.time, dt.time]], session: str
) -> tuple[dt.time, dt.time] | None:
    for w in windows:
        if (w[0] < NOON) == (session == "morning"):
            return w
    return None


def slot_outside_windows(station: Station, at: dt.time | None, session: str | None) -> bool:
    """True when a campaign slot cannot air on ``station`` (for ``check``)."""
    if not station.windows:
        return False
    windows = sorted(station.windows)
    if at is not None:
        return _window_for(windows, at) is None
    return _named_window(windows, session or "morning") is None


@dataclass(slots=True)
class _Room:
    """Where a session may air: a window (possibly nobody asked for it) or a bare time."""

    key: dt.time
    window: tuple[dt.time, dt.time] | None
    items: list[PlannedItem] = field(default_factory=list)

    def nominal_start(self) -> dt.time:
        if self.window is None:
            return self.key
        asked = [i.at for i in self.items if i.at is not None and i.moved_from is None]
        return max(self.window[0], min(asked)) if asked else self.window[0]

    def capacity(self, start: dt.time, cap: float | None) -> float | None:
        if self.window is None:
            return cap
        room = float(_clock_s(self.window[1]) - _clock_s(start)) - start.microsecond / 1e6
        return room if cap is None else min(room, cap)


def _clock_s(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


#: campaign id -> (asked, aired) on a station before a day: bulletins, or seconds for a
#: campaign with ``share: airtime``
Ledger = dict[str, tuple[float, float]]


def _weight(item: PlannedItem) -> float:
    """What one item counts for in its campaign's fair share: 1, or its seconds."""
    return item.duration_s if item.by_airtime else 1.0


def _fair_shares(requests: list[Request], ledger: Ledger) -> None:
    """Rule 5: key the j-th of a campaign's w items (aired + j + 1) / (asked + w); with
    ``share: airtime`` in seconds: (aired_s + seconds of its first j+1 items today) /
    (asked_s + seconds of all it asks today)."""
    counts: dict[str, float] = {}
    for item in requests:
        if item.campaign:
            counts[item.source] = counts.get(item.source, 0.0) + _weight(item)
    seen: dict[str, float] = {}
    ties: dict[str, int] = {}
    for item in requests:
        tie = ties.get(item.source)
        if tie is None:
            tie = ties[item.source] = zlib.crc32(f"{item.source}/{item.day.toordinal()}".encode())
        item.tie = tie
        if not item.campaign:
            item.share = 0.0  # a one-off asked for its own time
            continue
        j = seen.get(item.source, 0.0) + _weight(item)
        seen[item.source] = j
        asked, aired = ledger.get(item.source, (0, 0))
        whole = asked + counts[item.source]
        item.share = (aired + j) / whole if whole > 0 else 0.0


#: One thing placement did that becomes a note: (rule, slot, item, fields). The notes
#: pass (:func:`_notes_pass`) turns them into ``Note`` rows, in the order they happened.
_Event = tuple[str, "dt.time | None", "PlannedItem | None", dict[str, object]]


def _rooms_for(
    station: Station,
    day: dt.date,
    requests: list[Request],
    queued: list[PlannedItem],
    events: list[_Event],
) -> list[_Room]:
    """Step 1: each request joins the room (window or bare time) it asked for."""
    windows = sorted(station.windows)
    rooms: dict[dt.time, _Room] = {w[0]: _Room(w[0], w) for w in windows}
    limits = station.limits
    allowed_day = limits.weekdays is None or day.weekday() in limits.weekdays

    def room_at(at: dt.time) -> _Room:
        w = _window_for(windows, at)
        key = w[0] if w else at
        if key not in rooms:
            rooms[key] = _Room(key, w)
        return rooms[key]

    for item in requests:
        kind = item.ask
        if not allowed_day and item.priority is Priority.normal:
            events.append(("weekday", item.at, item, {}))
            continue
        if kind in ("morning", "evening"):
            if windows:
                w = _named_window(windows, kind)
                if w is None:
                    events.append(("no-session", None, item, {"session": SESSION_WORDS[kind]}))
                    continue
                item.at = w[0]
            else:
                item.at = DEFAULT_SESSIONS[kind]
            room_at(item.at).items.append(item)
            continue
        assert item.at is not None
        if windows and _window_for(windows, item.at) is None:
            rule = "oneoff-outside" if kind == "oneoff" else "outside-window"
            events.append((rule, item.at, item, {"at": hm(item.at)}))
            if kind != "oneoff":
                continue
        room_at(item.at).items.append(item)
    for item in queued:
        room_at(item.at or dt.time(0)).items.append(item)
    return [rooms[k] for k in sorted(rooms)]


def _longest_after(
    ordered: list[_Room], nominal: list[dt.time], opened: set[int], cap: float | None
) -> list[float | None]:
    """Step 2: the longest session each room and the ones after it could still hold."""
    best_after: list[float | None] = [None] * len(ordered)
    best: float | None = 0.0
    for n in range(len(ordered) - 1, -1, -1):
        room = ordered[n]
        if id(room) in opened:
            here = room.capacity(nominal[n], cap)
            best = None if here is None or best is None else max(best, here)
        best_after[n] = best
    return best_after


def _hand_over(
    ordered: list[_Room], nominal: list[dt.time], opened: set[int], capped: set[int]
) -> set[int]:
    """Step 3: a room that may not open (max_sessions_per_day) hands its items to the
    next open room, or to the last one before it when none is left (rule 2: moved, not
    lost). Returns the indexes of the rooms that air."""
    live = {
        n
        for n, r in enumerate(ordered)
        if id(r) in opened or any(i.priority is Priority.emergency for i in r.items)
    }
    for n, room in enumerate(ordered):
        if n in live or not room.items:
            continue
        after = sorted(m for m in live if m > n)
        before = sorted(m for m in live if m < n)
        if not after and not before:
            continue
        target = ordered[after[0] if after else before[-1]]
        for item in room.items:
            item.moved_from = nominal[n]
            capped.add(id(item))
        target.items.extend(room.items)
        room.items = []
    return live


def _session_start(day: dt.date, nominal: dt.time, prev_end: dt.datetime | None) -> dt.time:
    """Rule 1: a session starts at its time, or the whole second after the previous ends."""
    start = nominal
    if prev_end is not None and dt.datetime.combine(day, start) < prev_end:
        if prev_end.date() != day:
            return dt.time(23, 59, 59)
        start = prev_end.time().replace(microsecond=0)
        if dt.datetime.combine(day, start) < prev_end:
            start = (prev_end + dt.timedelta(seconds=1)).time().replace(microsecond=0)
    return start


def _fill(
    pending: list[PlannedItem],
    capacity: float | None,
    longest: float | None,
    jingle_s: tuple[float, float],
    slot: dt.time,
    events: list[_Event],
) -> tuple[list[PlannedItem], list[PlannedItem], float]:
    """Step 4: take items in rule order while they fit; returns (placed, left, used)."""
    id_s, between_s = jingle_s
    placed: list[PlannedItem] = []
    left: list[PlannedItem] = []
    used = id_s
    for item in sorted(pending, key=lambda i: i.sort_key):
        emergency = item.priority is Priority.emergency
        twin = None if emergency or item.file is not None else _twin(placed, item.script_id)
        if twin is not None:
            # rule 8: the same script asked twice for one session airs once, for both
            twin.also += ((item.source, item.campaign), *item.also)
            fields = {"others": f"'{twin.source}'", "frm": hm(slot), "twin": twin}
            events.append(("shared", slot, item, fields))
            continue
        if not emergency and longest is not None and item.duration_s + id_s > longest + 1e-6:
            events.append(
                ("too-long", slot, item, {"dur": mmss(item.duration_s), "cap": mmss(longest)})
            )
            continue
        need = item.duration_s + (between_s if placed else 0.0)
        if emergency or capacity is None or used + need <= capacity + 1e-6:
            placed.append(item)
            used += need
        else:
            left.append(item)
    return placed, left, used


def _twin(placed: list[PlannedItem], script_id: str) -> PlannedItem | None:
    for other in placed:
        if (
            other.script_id == script_id
            and other.file is None
            and other.priority is not Priority.emergency
        ):
            return other
    return None


def _no_repeat_in_a_row(
    sessions: list[Session], prev_last: str | None, events: list[_Event] | None = None
) -> None:
    """Rule 8: a session does not open with the script the one before it closed with,
    while another could air there. In turn: another item of the same level opens it;
    the session before (that day) closes with another of its items; or the repeating
    campaign item airs another script of its pool, one not in the session that fits
    (for a shared airing: one every campaign it meets lists, or one of them airs
    another of its pool first and the others keep the shared script after it)."""
    last = prev_last
    for n, sess in enumerate(sessions):
        items = sess.items
        if items and last is not None and items[0].script_id == last:
            if not _open_with_another(items, last):
                if n == 0 or not _close_with_another(sessions[n - 1].items, last):
                    _air_another(sess, items[0], last, events if events is not None else [])
        if items:
            last = items[-1].script_id


def _open_with_another(items: list[PlannedItem], last: str) -> bool:
    rank = items[0].priority.rank
    for j in range(1, len(items)):
        if items[j].priority.rank == rank and items[j].script_id != last:
            items.insert(0, items.pop(j))
            return True
    return False


def _close_with_another(before: list[PlannedItem], script_id: str) -> bool:
    """Move an item (not the opener) of the session before to its end."""
    rank = before[-1].priority.rank
    for j in range(len(before) - 2, 0, -1):
        if before[j].priority.rank == rank and before[j].script_id != script_id:
            before.append(before.pop(j))
            return True
    return False


def _fits(sess: Session, item: PlannedItem, seconds: float) -> bool:
    """Whether ``item`` may air ``seconds`` instead of its own: no longer, or longer but
    still inside the session's window and cap (a window ends before the next session
    may start, so every time already placed still holds)."""
    if seconds <= item.duration_s + 1e-6:
        return True
    if sess.window is None or sess.capacity_s is None:
        return False
    return sess.used_s - item.duration_s + seconds <= sess.capacity_s + 1e-6


def _air_another(sess: Session, item: PlannedItem, last: str, events: list[_Event]) -> None:
    """The opener airs another script of its campaign's pool (same level) that is not in
    the session and fits; nothing when there is none. A shared opener (rule 8: one
    airing for several requests) first airs a script every request's pool holds; else
    one of its requests airs another script of its pool as a new opener and the others
    keep the shared script right after it, when the session's window and cap hold both."""
    present = {i.script_id for i in sess.items}
    if not item.also:
        for script_id, seconds in item.alts:
            if script_id != last and script_id not in present and _fits(sess, item, seconds):
                item.script_id, item.duration_s = script_id, seconds
                return
        return
    shared = [e for e in events if e[0] == "shared" and e[3].get("twin") is item]
    merged = [e[2] for e in shared if e[2] is not None]
    if len(merged) != len(item.also) or any(m.also for m in merged):
        return  # not only this placement's requests: leave it as it is
    everyone = [item, *merged]
    common = [
        (s, sec)
        for s, sec in item.alts
        if s != last and s not in present and all(s in m.pool for m in merged)
    ]
    for script_id, seconds in common:
        if _fits(sess, item, seconds):
            item.script_id, item.duration_s = script_id, seconds
            for m in merged:
                m.script_id, m.duration_s = script_id, seconds
            return
    if sess.window is None or sess.capacity_s is None:
        return
    for who in everyone:
        for script_id, seconds in who.alts:
            if script_id == last or script_id in present:
                continue
            if sess.used_s + sess.between_s + seconds > sess.capacity_s + 1e-6:
                continue
            _split(sess, item, who, merged, shared, events, script_id, seconds)
            return


def _split(
    sess: Session,
    item: PlannedItem,
    who: PlannedItem,
    merged: list[PlannedItem],
    shared: list[_Event],
    events: list[_Event],
    script_id: str,
    seconds: float,
) -> None:
    """``who`` (the shared opener or one request it met) opens ``sess`` with
    ``script_id``; the other requests keep the shared script, one item right after."""
    rest = [r for r in [item, *merged] if r is not who]
    base = rest[0]
    base.also = tuple((r.source, r.campaign) for r in rest[1:])
    if base is not item:
        base.duration_s, base.slot = item.duration_s, sess.start
    who.also, who.script_id, who.duration_s, who.slot = (), script_id, seconds, sess.start
    sess.items.remove(item)
    sess.items[0:0] = [who, base]
    for r in (who, base):
        if r is not item and r.moved_from is not None:
            events.append(("moved", r.moved_from, r, {"to": hm(sess.start)}))
    for e in shared:  # the notes now say whom the shared script airs with
        k = events.index(e)
        if e[2] is who or e[2] is base:
            del events[k]
        else:
            events[k] = (e[0], e[1], e[2], {**e[3], "others": f"'{base.source}'", "twin": base})


def _place_station(
    station: Station,
    day: dt.date,
    requests: list[Request],
    queued: list[PlannedItem],
    jingle_s: tuple[float, float],
    notes: list[Note],
    prev_last: str | None = None,
) -> list[Session]:
    """Place a station's requests into sessions (rules 1, 2, 6, 7), then note what moved.
    ``prev_last``: the script that closed the station's day before (rule 8)."""
    events: list[_Event] = []
    capped: set[int] = set()  # items moved because their own room did not open
    sessions = _placement(station, day, requests, queued, jingle_s, events, capped)
    _no_repeat_in_a_row(sessions, prev_last, events)
    _notes_pass(station, day, sessions, events, capped, notes)
    return sessions


def _placement(
    station: Station,
    day: dt.date,
    requests: list[Request],
    queued: list[PlannedItem],
    jingle_s: tuple[float, float],
    events: list[_Event],
    capped: set[int],
) -> list[Session]:
    sid = station.id
    ordered = _rooms_for(station, day, requests, queued, events)
    nominal = [r.nominal_start() for r in ordered]  # moved items never change it
    cap = station.limits.max_session
    opened = _open_rooms(ordered, station.limits.max_sessions_per_day, cap)
    best_after = _longest_after(ordered, nominal, opened, cap)
    live = _hand_over(ordered, nominal, opened, capped)
    id_s, between_s = jingle_s
    sessions: list[Session] = []
    carry: list[PlannedItem] = []
    prev_end: dt.datetime | None = None
    for n, room in enumerate(ordered):
        if n not in live:
            carry.extend(room.items)  # only when no room at all may open: dropped below
            continue
        pending = carry + room.items
        carry = []
        if not pending:
            continue
        start = _session_start(day, nominal[n], prev_end)
        capacity = room.capacity(start, cap)
        if capacity is not None:
            capacity = max(0.0, capacity)
        placed, left, used = _fill(pending, capacity, best_after[n], jingle_s, nominal[n], events)
        if placed:
            sess = Session(sid, day, start, room.window, capacity, id_s, between_s, placed)
            sessions.append(sess)
            prev_end = dt.datetime.combine(day, start) + dt.timedelta(seconds=used)
            for item in placed:
                item.slot = start
                if item.moved_from is not None:
                    events.append(("moved", item.moved_from, item, {"to": hm(start)}))
            if capacity is not None and used > capacity + 1e-3 and sess.overrun_s > 0:
                events.append(("overrun", start, None, {"session": sess}))
        events.append(("clash", nominal[n], None, {"placed": placed, "left": left}))
        for item in left:
            if item.moved_from is None:
                item.moved_from = start
        carry = left
    for item in carry:
        events.append(("dropped", item.moved_from, item, {}))
    return sessions


def _notes_pass(
    station: Station,
    day: dt.date,
    sessions: list[Session],
    events: list[_Event],
    capped: set[int],
    notes: list[Note],
) -> None:
    """Turn placement's events into notes (their wording: :data:`notes.RULES`)."""
    sid = station.id
    limit = station.limits.max_sessions_per_day
    for rule, slot, item, fields in events:
        if rule == "clash":
            _clash_notes(day, sid, slot or dt.time(0), fields["placed"], fields["left"], notes)  # type: ignore[arg-type]
            continue
        if rule == "overrun":
            sess: Session = fields["session"]  # type: ignore[assignment]
            notes.append(
                make_note(
                    "overrun",
                    day,
                    sid,
                    slot,
                    frm=hm(slot),
                    used=mmss(sess.used_s),
                    cap=mmss(sess.capacity_s or 0),
                    over=mmss(sess.overrun_s),
                )
            )
            continue
        assert item is not None
        if rule == "shared":
            fields = {k: v for k, v in fields.items() if k != "twin"}
        if rule in ("moved", "dropped"):
            rule = f"{rule}-cap" if id(item) in capped else rule
            fields = {
                **fields,
                "frm": hm(item.moved_from),
                "dur": mmss(item.duration_s),
                "limit": limit,
            }
        notes.append(make_note(rule, day, sid, slot, item.source, item.script_id, **fields))
    if limit is not None and len(sessions) > limit:
        extra = [s for s in sessions if any(i.priority is Priority.emergency for i in s.items)]
        frm = (extra or sessions)[-1].start
        notes.append(
            make_note("sessions", day, sid, frm, n=len(sessions), limit=limit, frm=hm(frm))
        )


def _overflows(rooms: list[_Room], cap: float | None) -> bool:
    """Whether what these rooms' items ask is more than they hold (jingles aside)."""
    for r in rooms:
        room = r.capacity(r.nominal_start(), cap)
        if room is not None and sum(i.duration_s for i in r.items) > room + 1e-6:
            return True
    return False


def _open_rooms(ordered: list[_Room], limit: int | None, cap: float | None = None) -> set[int]:
    """Rule 2: the rooms that may hold a session (ids), at most ``limit`` of them.

    The rooms with requests come first: the morning ones before the evening ones (rule
    9: what the evening asks never keeps the morning from airing), then those with
    priority requests, the most requested airtime, the earliest; free windows after the
    first of them fill what is left, so overflow has somewhere to go. When the morning
    asks more than its rooms hold, its free windows come before the evening's rooms.
    """
    if limit is None:
        return {id(r) for r in ordered}
    asked = [r for r in ordered if any(i.priority is not Priority.emergency for i in r.items)]
    if len(ordered) <= limit:
        return {id(r) for r in ordered}  # every room may open: nothing to choose
    ranked = sorted(
        asked,
        key=lambda r: (
            r.key >= NOON,  # the morning first (issue 22): an evening item never closes it
            min(_RANK[i.priority] for i in r.items),
            -sum(i.duration_s for i in r.items),
            r.key,
        ),
    )
    morning = [r for r in ranked if r.key < NOON]
    if morning and len(morning) < limit and _overflows(morning, cap):
        # the morning asks more than its rooms hold: its free windows open before any
        # evening room, so what does not fit stays in the morning (rule 9)
        first = min(r.key for r in morning)
        spare = [
            r for r in ordered if r.window is not None and not r.items and first < r.key < NOON
        ]
        ranked = morning + spare + [r for r in ranked if r.key >= NOON]
    chosen = ranked[:limit]
    opened = {id(r) for r in chosen}
    if chosen and len(chosen) < limit:
        first = min(r.key for r in chosen)
        for r in ordered:
            if len(opened) >= limit:
                break
            if r.window is not None and not r.items and r.key > first:
                opened.add(id(r))
    return opened


def _clash_notes(
    day: dt.date,
    sid: str,
    at: dt.time,
    placed: list[PlannedItem],
    left: list[PlannedItem],
    notes: list[Note],
) -> None:
    """Rule 7: a priority item pushed out by a priority item of another source."""
    winners = [i for i in placed if i.priority is Priority.priority]
    for item in left:
        if item.priority is not Priority.priority:
            continue
        others = sorted(
            {f"'{w.script_id}' ({w.source})" for w in winners if w.source != item.source}
        )
        if others:
            notes.append(
                make_note(
                    "clash",
                    day,
                    sid,
                    at,
                    item.source,
                    item.script_id,
                    frm=hm(at),
                    others=", ".join(others),
                )
            )


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


class Planner:
    """Plans days for one schedule; holds only what it computed (durations, ledgers).

    ``durations(station, script)`` gives each bulletin's seconds (real ones after a
    render, :mod:`broadcast.schedule.estimate` measured from the spoken text before, or
    :func:`estimate_duration` from word counts); ``queued`` are emergency bulletins.
    Planning days in order reuses each day's fairness ledger for the next; any day can
    also be planned alone: the ledger is then recomputed from the campaigns' earlier
    days, so the answer is the same either way.
    """

    def __init__(
        self,
        schedule: Schedule,
        scripts: dict[str, Script],
        durations: Durations | None = None,
        jingles: JingleDurations | None = None,
        queued: Iterable[QueuedBulletin] = (),
        withheld: Mapping[str, str] | None = None,
    ) -> None:
        self.schedule = schedule
        #: script id -> why it does not air ("missing", "broken", "unapproved")
        self.withheld = dict(withheld or {})
        self.scripts = scripts
        self.durations = durations or estimate_duration
        self.jingles = jingles or builtin_jingles
        self.queued = list(queued)
        self._seconds: dict[tuple[str, str], float] = {}
        #: (station, pool) -> each pool script's seconds there (rule 8's alternatives)
        self._alts: dict[tuple[str, tuple[str, ...]], tuple[tuple[str, float], ...]] = {}
        #: station -> (day, ledger at the start of that day)
        self._ledgers: dict[str, Ledger] = {}
        self._ledger_day: dict[str, dt.date] = {}  # the day each stored ledger starts
        self._origin: dict[str, dt.date] = {}
        #: (station, day) -> script id that closed the day without emergencies (rule 8)
        self._last: dict[tuple[str, dt.date], str | None] = {}
        self.targets = Targets(schedule)
        for c in schedule.campaigns:
            for sid in self.targets.campaigns[c.id]:
                if sid not in self._origin or c.start < self._origin[sid]:
                    self._origin[sid] = c.start

    def duration(self, station: Station, script_id: str) -> float:
        key = (station.id, script_id)
        found = self._seconds.get(key)
        if found is None:
            found = self._seconds[key] = float(self.durations(station, self.scripts[script_id]))
        return found

    def _prepare(self, station: Station, reqs: list[Request]) -> None:
        alts: dict[int, tuple[tuple[str, float], ...]] = {}
        for item in reqs:
            item.duration_s = self.duration(station, item.script_id)
            if len(item.pool) > 1:
                found = alts.get(id(item.pool))
                if found is None:
                    key = (station.id, item.pool)
                    found = self._alts.get(key)
                    if found is None:
                        found = self._alts[key] = tuple(
                            (s, self.duration(station, s)) for s in item.pool
                        )
                    alts[id(item.pool)] = found
                item.alts = found
        _longest_in_the_morning(reqs)

    def _base(
        self,
        station: Station,
        day: dt.date,
        reqs: list[Request],
        ledger: Ledger,
        prev_last: str | None = None,
    ) -> tuple[list[Session], list[Note]]:
        """The day without queued emergencies (what the ledger counts)."""
        self._prepare(station, reqs)
        _fair_shares(reqs, ledger)
        scratch: list[Note] = []
        sessions = _place_station(station, day, reqs, [], self.jingles(station), scratch, prev_last)
        return sessions, scratch

    def _prev_last(self, station_id: str, day: dt.date) -> str | None:
        """The script that closed ``station_id``'s day before ``day`` (rule 8), from the
        days the ledger has planned (none before the station's first campaign day)."""
        origin = self._origin.get(station_id)
        if origin is None or day <= origin:
            return None
        return self._last.get((station_id, day - dt.timedelta(days=1)))

    def ledger(self, station_id: str, day: dt.date) -> Ledger:
        """(asked, aired) per campaign on ``station_id`` over its days before ``day``.

        The returned dict belongs to this Planner: ``plan`` advances it in place to the
        next day (no copy per station and day: a province has 10^5 of them)."""
        origin = self._origin.get(station_id)
        if origin is None or origin >= day:
            return {}
        origin = max(origin, day - dt.timedelta(days=MAX_HISTORY_DAYS))
        known = self._ledger_day.get(station_id)
        if known == day:
            return self._ledgers[station_id]
        if known is not None and origin <= known < day:
            current, ledger = known, dict(self._ledgers[station_id])
        else:
            current, ledger = origin, {}
        station = self.schedule.stations[station_id]
        while current < day:
            reqs = _requests(self.schedule, self.scripts, current, [station_id], self.targets)[0][
                station_id
            ]
            prev = self._last.get((station_id, current - dt.timedelta(days=1)))
            sessions, _ = self._base(
                station, current, reqs, ledger, prev if current > origin else None
            )
            self._last[(station_id, current)] = _closing(sessions)
            _advance(ledger, reqs, sessions)
            current += dt.timedelta(days=1)
        self._ledgers[station_id], self._ledger_day[station_id] = ledger, day
        return ledger

    def plan(self, day: dt.date, stations: Iterable[str] | None = None) -> DayPlan:
        """The running order of ``day`` for every station (or only ``stations``)."""
        plan = DayPlan(day=day)
        wanted = list(stations) if stations is not None else list(self.schedule.stations)
        requests, early = _requests(
            self.schedule, self.scripts, day, wanted, self.targets, self.withheld
        )
        for sid in wanted:
            station = self.schedule.stations[sid]
            reqs = requests.pop(sid)  # let what does not air go as soon as placed
            plan.notes.extend(early.get(sid, ()))
            ledger = self.ledger(sid, day)
            self._prepare(station, reqs)
            _fair_shares(reqs, ledger)
            extra: list[PlannedItem] = []
            prev_last = self._prev_last(sid, day)
            if self.queued:
                base, _ = self._base(station, day, [replace(i) for i in reqs], ledger, prev_last)
                own = sorted({s.start for s in base} | {w[0] for w in station.windows})

                def previous(station: Station = station) -> list[dt.time]:
                    prev_day = day - dt.timedelta(days=1)
                    prev_reqs = _requests(
                        self.schedule, self.scripts, prev_day, [station.id], self.targets
                    )
                    prev, _ = self._base(
                        station,
                        prev_day,
                        prev_reqs[0][station.id],
                        self.ledger(station.id, prev_day),
                    )
                    return [s.start for s in prev] + [w[0] for w in station.windows]

                extra = _queued_items(station, day, self.queued, previous, own)
            counted: tuple[list[PlannedItem], list[Session]] | None = None
            if extra:
                copies = [replace(i) for i in reqs]
                counted = (copies, self._base(station, day, copies, ledger, prev_last)[0])
            sessions = _place_station(
                station, day, reqs, extra, self.jingles(station), plan.notes, prev_last
            )
            plan.sessions[sid] = sessions
            if self._origin.get(sid) is not None:
                self._last[(sid, day)] = _closing(counted[1] if counted else sessions)
            if self._origin.get(sid) is not None:
                if self._ledgers.get(sid) is not ledger:
                    ledger = dict(ledger)
                _advance(ledger, *(counted or (reqs, sessions)))
                self._ledgers[sid], self._ledger_day[sid] = ledger, day + dt.timedelta(days=1)
        return plan


def _is_morning(item: PlannedItem) -> bool:
    if item.ask in ("morning", "evening"):
        return item.ask == "morning"
    return item.at is not None and item.at < NOON


def _longest_in_the_morning(reqs: list[Request]) -> None:
    """Rule 9: a rotating campaign's picks of a day go to its slots so that its morning
    slots hold its longest scripts (of one level): with at least as many morning
    bulletins as evening ones, its morning airtime is then at least its evening airtime
    every day. Equal lengths keep the rotation's order."""
    by_source: dict[str, list[PlannedItem]] = {}
    for item in reqs:
        if item.campaign and item.pool:
            by_source.setdefault(item.source, []).append(item)
    for items in by_source.values():
        morning = [i for i in items if _is_morning(i)]
        evening = [i for i in items if not _is_morning(i)]
        if not evening or len(morning) < len(evening):
            continue  # its slots ask more of the evening: as they say
        for m in sorted(morning, key=lambda i: i.duration_s):
            in_morning = {i.script_id for i in morning}
            in_evening = {i.script_id for i in evening}
            longer = [
                e
                for e in evening
                if e.priority is m.priority
                and e.duration_s > m.duration_s + 1e-6
                and e.script_id not in in_morning  # never one script twice a session
                and m.script_id not in in_evening
            ]
            if not longer:
                continue
            e = max(longer, key=lambda i: i.duration_s)
            m.script_id, e.script_id = e.script_id, m.script_id
            m.duration_s, e.duration_s = e.duration_s, m.duration_s


def _closing(sessions: list[Session]) -> str | None:
    """The script of the last item of a station's day (rule 8), or None."""
    for sess in reversed(sessions):
        if sess.items:
            return sess.items[-1].script_id
    return None


def _advance(ledger: Ledger, reqs: list[Request], sessions: list[Session]) -> None:
    """Add a day's (asked, aired) per campaign to ``ledger``, in place (an item that
    meets several campaigns' requests counts for each, rule 8)."""
    asked: dict[str, float] = {}
    aired: dict[str, float] = {}
    by_airtime: set[str] = set()
    for item in reqs:
        if item.campaign:
            asked[item.source] = asked.get(item.source, 0.0) + _weight(item)
            if item.by_airtime:
                by_airtime.add(item.source)
    for sess in sessions:
        for item in sess.items:
            for source in item.credits():
                got = item.duration_s if source in by_airtime else 1.0
                aired[source] = aired.get(source, 0.0) + got
    for source, n in asked.items():
        a, b = ledger.get(source, (0, 0))
        ledger[source] = (a + n, b + aired.get(source, 0))


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

    A fresh :class:`Planner` each call: to plan many days, hold one ``Planner`` and call
    ``plan`` in day order (same answers, each day's ledger reused for the next).
    """
    return Planner(schedule, scripts, durations, jingles, queued).plan(day, stations)


def requested_scripts(
    schedule: Schedule, scripts: dict[str, Script], day: dt.date
) -> dict[str, list[str]]:
    """Script ids each station may air on ``day`` (before any move or drop), sorted."""
    reqs, _ = _requests(schedule, scripts, day)
    return {sid: sorted({i.script_id for i in items}) for sid, items in reqs.items()}
