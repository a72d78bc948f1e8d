"""Helpers for the record-of-the-past tests (issue 18): build, confirm, change today's files.

Builds go through ``broadcast build`` at a pinned time; reports through ``broadcast report``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

from tests.cli.test_officer_traps import bc

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

NEW_SCRIPT = """---
id: {id}
title: Cảnh giác {id}
topic: mạo danh
directive: {{number: 3316/UBND-VHTT, date: 22/11/2024, issuer: UBND huyện Phú Bình}}
valid_from: 01/11/2026
audience: toàn dân
priority: normal
---
{body}
"""


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def build(root: Path, when: dt.datetime, day: dt.date, days: int = 1) -> None:
    with time_machine.travel(when, tick=False):
        run = bc("build", "--root", str(root), "--date", day.isoformat(), "--days", str(days))
    assert run.code in (0, 2), run.text  # 2: a script left out (said on stderr), days built


def confirm(root: Path, when: dt.datetime, day: dt.date, station: str) -> None:
    with time_machine.travel(when, tick=False):
        run = bc("asrun", "confirm", "--root", str(root), "--date", day.isoformat(),
                 "--station", station)  # fmt: skip
    assert run.code == 0, run.text


def report(root: Path, when: dt.datetime, start: dt.date, end: dt.date, fmt: str = "md") -> str:
    with time_machine.travel(when, tick=False):
        run = bc("report", "--root", str(root), "--from", start.isoformat(),
                 "--to", end.isoformat(), "--format", fmt)  # fmt: skip
    assert run.code == 0, run.text
    return run.out


def add_script(root: Path, sid: str, body: str = "") -> None:
    text = NEW_SCRIPT.format(
        id=sid,
        body=body or "Bà con không cung cấp mã OTP cho bất kỳ ai, kể cả người nhận là cán bộ.",
    )
    (root / "scripts" / f"{sid}.md").write_text(text, encoding="utf-8")


DISTRICT_CAMPAIGN = """  - id: huyen
    title: Chiến dịch của huyện
    directive: {{number: 3316/UBND-VHTT, date: 22/11/2024, issuer: UBND huyện Phú Bình}}
    from: 2026-11-25
    until: 2026-12-15
    mode: all
    scripts: [khong-cung-cap-otp]
    slots: [{slots}]
"""


def add_district_campaign(root: Path, *slots: str) -> None:
    """A second campaign, ``huyen``, asking for a script the commune's campaign airs too
    (at ``slots``, HH:MM): its requests share those airings (planner rule 8)."""
    camp = root / "schedules" / "campaign.yaml"
    wanted = ", ".join(f'{{at: "{at}"}}' for at in slots)
    camp.write_text(
        camp.read_text("utf-8") + DISTRICT_CAMPAIGN.format(slots=wanted), encoding="utf-8"
    )


def digests(out: Path) -> dict[str, str]:
    """SHA-1 of every running order file (M3U8 and JSON) in the output folder."""
    folder = out / "playlists"
    return {
        str(p.relative_to(folder)): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.suffix in (".m3u8", ".json")
    }
