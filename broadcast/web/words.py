"""How the console writes dates, times, lengths and settings: the way an officer reads them.

Every page shows ``dd/mm/yyyy``, ``HH:MM``, "2 phút 28 giây", "giọng Bắc" and "ưu tiên",
never ISO stamps, raw seconds or the YAML words behind them. These are Jinja filters,
registered once in ``app.create_app``; pure functions, so tests call them directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from ..playout.status import duration_words
from ..project.accounts import ROLE_NAMES
from ..vocabulary import TIMEZONE

DIALECT_NAMES = {"north": "giọng Bắc", "central": "giọng Trung", "south": "giọng Nam"}
PRIORITY_NAMES = {"normal": "thường", "priority": "ưu tiên", "emergency": "khẩn cấp"}
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def _when(value: Any) -> dt.datetime | dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return value
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return None


def _local(when: dt.datetime) -> dt.datetime:
    return when.astimezone(ZoneInfo(TIMEZONE)) if when.tzinfo else when


def vn_date(value: Any) -> str:
    """``2026-12-03`` -> ``03/12/2026``; anything unreadable is shown as it is."""
    when = _when(value)
    if when is None:
        return str(value or "")
    if isinstance(when, dt.datetime):
        when = _local(when)
    return f"{when.day:02d}/{when.month:02d}/{when.year}"


def vn_time(value: Any) -> str:
    """``2026-12-03T06:30:12+07:00`` or ``06:30:12`` -> ``06:30``."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    when = _when(value)
    if isinstance(when, dt.datetime):
        return _local(when).strftime("%H:%M")
    try:
        return dt.time.fromisoformat(str(value)).strftime("%H:%M")
    except ValueError:
        return str(value or "")


def vn_datetime(value: Any) -> str:
    """``2026-12-03T06:30:12+07:00`` -> ``03/12/2026 06:30`` (in Vietnam time)."""
    when = _when(value)
    if not isinstance(when, dt.datetime):
        return vn_date(value)
    return f"{vn_date(when)} {_local(when).strftime('%H:%M')}"


def vn_duration(seconds: Any) -> str:
    """``147.7`` -> "2 phút 28 giây"."""
    try:
        return duration_words(float(seconds))
    except (TypeError, ValueError):
        return str(seconds or "")


def dialect_name(value: Any) -> str:
    return DIALECT_NAMES.get(str(getattr(value, "value", value)), str(value))


def priority_name(value: Any) -> str:
    return PRIORITY_NAMES.get(str(getattr(value, "value", value)), str(value))


def role_name(value: Any) -> str:
    return ROLE_NAMES.get(str(value), str(value))


def weekday_name(value: int) -> str:
    return WEEKDAY_NAMES[int(value) % 7]


FILTERS = {
    "vn_date": vn_date,
    "vn_time": vn_time,
    "vn_datetime": vn_datetime,
    "vn_duration": vn_duration,
    "dialect_name": dialect_name,
    "priority_name": priority_name,
    "role_name": role_name,
    "weekday_name": weekday_name,
}
