"""Typed schedule model: stations, groups, campaigns and one-off bulletins.

Parsed once from ``schedules/*.yaml`` into these objects; every wrong field is reported
with its file and line by :mod:`broadcast.project.validation`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from ..vocabulary import (  # noqa: F401  (re-exported: older imports keep working)
    MAX_SCRIPT_CHARS,
    MAX_SCRIPT_CHARS_CEILING,
    TIMEZONE,
    AudioSettings,
    Dialect,
    VoiceSettings,
    _Strict,
)
from .converters import to_date, to_name_list, to_seconds, to_time, to_weekday, to_window
from .scripts import Directive, OneLine, Priority
from .validation import ID_PATTERN

Date = Annotated[dt.date, BeforeValidator(to_date)]
Time = Annotated[dt.time, BeforeValidator(to_time)]
Window = Annotated[tuple[dt.time, dt.time], BeforeValidator(to_window)]
Seconds = Annotated[float, BeforeValidator(to_seconds)]
Weekday = Annotated[int, BeforeValidator(to_weekday)]
#: station names: a list, or one name / "all" written without brackets
NameList = Annotated[list[str], BeforeValidator(to_name_list)]
ID = ID_PATTERN


class Jingles(_Strict):
    """Jingle files (paths relative to the project root); None means the built-in one.

    ``intro``/``outro`` frame every bulletin (inside its MP3). ``station_id`` opens each
    session and ``between`` separates two bulletins: both are playlist entries of their
    own (``kind: jingle``), rendered once under ``OUT/jingles/``.
    """

    intro: str | None = None
    outro: str | None = None
    between: str | None = None
    station_id: str | None = None


class Limits(_Strict):
    """Airtime limits a province sets (e.g. Hà Nội 2021: 2 sessions, 15 or 45 minutes)."""

    max_sessions_per_day: int | None = Field(None, ge=1, le=24)
    max_session: Seconds | None = None
    weekdays: list[Weekday] | None = None


class EmergencyPolicy(_Strict):
    """What a station does when ``broadcast emergency`` queues a bulletin for it.

    ``interrupt``: ``now`` fades out what plays and airs the emergency at once (Circular
    39/2020: emergency at once); ``after_item`` lets the entry now playing end first (a
    loudspeaker cluster next to a school, say). ``after``: ``resume`` plays the cut entry
    again from its start and goes on with the session; ``drop`` skips the rest of the
    session (recorded as skipped in the as-run log).
    """

    interrupt: Literal["now", "after_item"] = "now"
    after: Literal["resume", "drop"] = "resume"


class Station(_Strict):
    id: str = Field(pattern=ID)
    name: OneLine
    kind: Literal["fm", "loudspeaker"]
    dialect: Dialect = Dialect.north
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    jingles: Jingles = Field(default_factory=Jingles)
    windows: list[Window] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
    repeat: int = Field(2, ge=1, le=5, description="times the body is read in one bulletin")
    pause: float = Field(1.5, ge=0, le=10, description="seconds between readings")
    emergency: EmergencyPolicy = Field(default_factory=EmergencyPolicy)

    @field_validator("windows")
    @classmethod
    def _windows_do_not_overlap(
        cls, windows: list[tuple[dt.time, dt.time]]
    ) -> list[tuple[dt.time, dt.time]]:
        """A station plays one thing at a time: two windows may touch, never overlap."""
        ordered = sorted(windows)
        for a, b in zip(ordered, ordered[1:], strict=False):
            if b[0] < a[1]:
                raise ValueError(
                    f"khung giờ {a[0]:%H:%M}-{a[1]:%H:%M} và {b[0]:%H:%M}-{b[1]:%H:%M} chồng "
                    "lên nhau (một đài không phát hai buổi cùng lúc); cách sửa: cho khung sau "
                    f"bắt đầu từ {a[1]:%H:%M} trở đi, hoặc gộp thành một khung "
                    f"{a[0]:%H:%M}-{max(a[1], b[1]):%H:%M}"
                )
        return windows


#: Session names a campaign slot may use instead of a clock time. A named session maps to
#: the station's first window that starts in that part of the day (morning: before 12:00,
#: evening: from 12:00), and starts at that window's start.
SESSIONS = {
    "morning": "morning",
    "sáng": "morning",
    "buổi sáng": "morning",
    "sang": "morning",
    "evening": "evening",
    "afternoon": "evening",
    "chiều": "evening",
    "buổi chiều": "evening",
    "chieu": "evening",
    "tối": "evening",
}
NOON = dt.time(12, 0)


def to_session(value: object) -> str:
    key = str(value).strip().lower()
    if key not in SESSIONS:
        raise ValueError(
            f"buổi '{value}' không hiểu được; viết 'sáng' (morning) hoặc 'chiều' (evening)"
        )
    return SESSIONS[key]


class Slot(_Strict):
    """When a campaign airs in a day: a clock time (``at``) or a named ``session``.

    A time must fall inside one of the station's windows (``check`` warns otherwise);
    a session name airs at the start of the station's matching window, so one campaign
    fits stations whose windows start at different times.
    """

    at: Time | None = None
    session: Annotated[str, BeforeValidator(to_session)] | None = None
    times: int = Field(1, ge=1, le=20, description="bulletins of this campaign in the slot")

    @model_validator(mode="after")
    def _one_of(self) -> Slot:
        if (self.at is None) == (self.session is None):
            raise ValueError(
                "mỗi khung phát cần đúng một trong hai: 'at' (giờ, ví dụ 05:30) "
                "hoặc 'session' (sáng/chiều)"
            )
        return self

    @property
    def key(self) -> tuple[int, dt.time]:
        """Sort key: morning sessions first, then clock times in order."""
        if self.at is not None:
            return (1, self.at)
        return (0, dt.time(0) if self.session == "morning" else NOON)


class Campaign(_Strict):
    id: str = Field(pattern=ID)
    title: OneLine
    directive: Directive
    start: Date = Field(alias="from")
    end: Date = Field(alias="until")
    weekdays: list[Weekday] = Field(default_factory=lambda: list(range(7)), min_length=1)
    slots: list[Slot] = Field(min_length=1)
    scripts: list[str] | Literal["all"] = "all"
    mode: Literal["rotate", "all"] = "rotate"
    stations: NameList = Field(default_factory=lambda: ["all"], min_length=1)
    priority: Priority = Priority.normal
    #: how a contested session is shared with other campaigns (planner rule 5): in
    #: proportion to the bulletins each asks ("count", the default) or to their seconds
    share: Literal["count", "airtime"] = "count"
    per_day: int | None = Field(
        None,
        ge=1,
        le=50,
        description="bulletins a day, spread over the slots (earlier slots get the rest)",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day <= self.end and day.weekday() in self.weekdays

    def slot_times(self) -> list[tuple[Slot, int]]:
        """Each slot (morning first) with how many bulletins of this campaign it airs.

        ``per_day`` overrides the slots' ``times``: N is split evenly and the earlier
        slots take the remainder (the directives ask for more airtime in the morning).
        """
        slots = sorted(self.slots, key=lambda s: s.key)
        if self.per_day is None:
            return [(s, s.times) for s in slots]
        base, extra = divmod(self.per_day, len(slots))
        return [(s, base + (1 if i < extra else 0)) for i, s in enumerate(slots)]


class OneOff(_Strict):
    """A single bulletin at a date and time (an announcement, an emergency)."""

    id: str = Field(pattern=ID)
    script: str
    date: Date
    at: Time
    stations: NameList = Field(default_factory=lambda: ["all"], min_length=1)
    priority: Priority = Priority.priority


class StationsFile(_Strict):
    commune: OneLine
    timezone: Literal["Asia/Ho_Chi_Minh"] = TIMEZONE
    defaults: dict[str, Any] = Field(default_factory=dict)
    stations: list[dict[str, Any]] = Field(min_length=1)
    groups: dict[str, list[str]] = Field(default_factory=dict)
    #: "required": only approved scripts air (broadcast/project/approval.py); "off" airs every script
    approval: Literal["off", "required"] = "off"
    #: the longest script body, in characters (issue 23: bounded memory and time)
    max_script_chars: int = Field(MAX_SCRIPT_CHARS, ge=1000, le=MAX_SCRIPT_CHARS_CEILING)


class CampaignsFile(_Strict):
    campaigns: list[dict[str, Any]] = Field(default_factory=list)
    oneoffs: list[dict[str, Any]] = Field(default_factory=list)


class Schedule(BaseModel):
    """Everything in ``schedules/``: validated, references resolved."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    commune: str
    stations: dict[str, Station]
    groups: dict[str, list[str]]
    campaigns: list[Campaign]
    oneoffs: list[OneOff]
    sources: dict[str, Path] = Field(default_factory=dict)
    approval: Literal["off", "required"] = "off"  # StationsFile.approval
    max_script_chars: int = MAX_SCRIPT_CHARS  # StationsFile.max_script_chars

    def resolve_targets(self, names: list[str]) -> list[str]:
        """Station ids for a list of station ids and group names, in station order."""
        wanted: set[str] = set()
        for name in names:
            wanted.update(self.groups.get(name, [name]))
        return [sid for sid in self.stations if sid in wanted]
