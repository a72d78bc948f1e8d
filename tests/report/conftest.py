"""Fixtures for the report tests: a fresh as-run log and fixed Vietnamese datetimes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcast.report.asrun import AsRunLog

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: dt.date, hhmm: str, seconds: float = 0) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=TZ) + dt.timedelta(seconds=seconds)


def planned_item(
    day: dt.date,
    slot: str,
    script: str,
    source: str,
    directive: str,
    duration_s: float,
    offset_s: float = 0.0,
) -> dict:
    start = at(day, slot, offset_s)
    return {
        "start": start.isoformat(),
        "slot": slot,
        "end": (start + dt.timedelta(seconds=duration_s)).isoformat(),
        "duration_s": duration_s,
        "file": f"../../bulletins/x/{script}.mp3",
        "title": f"Bản tin {script}",
        "script": script,
        "source": source,
        "priority": "normal",
        "directive": directive,
        "engine": "espeak",
        "kind": "bulletin",
    }


@pytest.fixture
def log(tmp_path: Path) -> AsRunLog:
    return AsRunLog(tmp_path / "audio_out" / "asrun.sqlite")
