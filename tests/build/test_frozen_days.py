"""Days that began or aired are a record: `build` keeps them, `--rebuild-past --reason`
alone rewrites them, and the as-run log says who did it and why (issue 18)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import time_machine

from broadcast.report.asrun import MIGRATIONS, AsRunLog
from tests.cli.test_officer_traps import bc

TZ = dt.timezone(dt.timedelta(hours=7))


def _digests(out: Path, day: str) -> dict[str, str]:
    folder = out / "playlists" / day
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _edit(root: Path) -> None:
    path = root / "scripts" / "noi-trinh-bao.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nHãy gọi ngay đường dây nóng 156.\n",
        encoding="utf-8",
    )


def test_build_keeps_days_that_began_and_builds_the_rest(small_root: Path) -> None:
    out = small_root / "audio_out"
    with time_machine.travel(dt.datetime(2026, 11, 24, 20, 0, tzinfo=TZ), tick=False):
        first = bc("build", "--root", str(small_root), "--date", "2026-11-25", "--days", "3")
        assert first.code == 0, first.text
    before = {d: _digests(out, d) for d in ("2026-11-25", "2026-11-26", "2026-11-27")}
    _edit(small_root)
    # the morning of 26/11: 25/11 aired, 26/11 has begun, 27/11 is still to come
    with time_machine.travel(dt.datetime(2026, 11, 26, 4, 0, tzinfo=TZ), tick=False):
        again = bc("build", "--root", str(small_root), "--date", "2026-11-25", "--days", "3")
    assert again.code == 0, again.text
    assert "Giữ nguyên" in again.err and "25/11/2026" in again.err and "26/11/2026" in again.err
    assert "--rebuild-past" in again.err
    assert _digests(out, "2026-11-25") == before["2026-11-25"]
    assert _digests(out, "2026-11-26") == before["2026-11-26"]
    assert _digests(out, "2026-11-27") != before["2026-11-27"]


def test_rebuild_past_needs_a_reason_and_is_logged(small_root: Path) -> None:
    out = small_root / "audio_out"
    with time_machine.travel(dt.datetime(2026, 11, 24, 20, 0, tzinfo=TZ), tick=False):
        assert bc("build", "--root", str(small_root), "--date", "2026-11-25").code == 0
    before = _digests(out, "2026-11-25")
    _edit(small_root)
    with time_machine.travel(dt.datetime(2026, 11, 27, 9, 0, tzinfo=TZ), tick=False):
        no_reason = bc("build", "--root", str(small_root), "--date", "2026-11-25", "--rebuild-past")
        assert no_reason.code == 2 and "--reason" in no_reason.err
        assert _digests(out, "2026-11-25") == before
        done = bc(
            "build", "--root", str(small_root), "--date", "2026-11-25",
            "--rebuild-past", "--reason", "sửa số điện thoại",
        )  # fmt: skip
    assert done.code == 0, done.text
    assert "Đã làm lại" in done.err
    assert _digests(out, "2026-11-25") != before
    rows = AsRunLog(out / "asrun.sqlite").rebuilds(dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    assert {r["station_id"] for r in rows} == {"fm-thu", "xom-a"}
    assert all(r["reason"] == "sửa số điện thoại" and r["by"] for r in rows)


def test_a_future_day_with_plays_is_a_record_too(small_root: Path) -> None:
    out = small_root / "audio_out"
    with time_machine.travel(dt.datetime(2026, 11, 20, 8, 0, tzinfo=TZ), tick=False):
        assert bc("build", "--root", str(small_root), "--date", "2026-11-25").code == 0
        log = AsRunLog(out / "asrun.sqlite")
        assert log.confirm_day(dt.date(2026, 11, 25), "xom-a") > 0
        before = _digests(out, "2026-11-25")
        _edit(small_root)
        again = bc("build", "--root", str(small_root), "--date", "2026-11-25")
    assert again.code == 0, again.text
    after = _digests(out, "2026-11-25")
    assert after["xom-a.json"] == before["xom-a.json"]
    assert after["fm-thu.json"] != before["fm-thu.json"]


def test_a_log_of_schema_1_migrates_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "asrun.sqlite"
    con = sqlite3.connect(path)
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(
        "INSERT INTO plays (day, station_id, slot, script_id, source, directive, start, "
        "result, recorded_at) VALUES ('2026-11-25', 'fm', '05:30', 'otp', 'c', 'CV', "
        "'2026-11-25T05:30:00+07:00', 'played', '2026-11-25T05:31:00+07:00')"
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    log = AsRunLog(path)
    assert log.schema_version == len(MIGRATIONS)
    [play] = log.plays(dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    assert play.script_id == "otp" and play.aired
    assert log.rebuilds(dt.date(2026, 11, 1), dt.date(2026, 12, 31)) == []
