"""The as-run log: schema, idempotent planned rows, plays, confirm; crash and concurrency."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from broadcast.errors import InputError
from broadcast.report.asrun import MIGRATIONS, AsRunError, AsRunLog, asrun_path

from .conftest import at, planned_item

DAY = dt.date(2026, 11, 25)
CV = "Công văn số 818/STTTT-TTBCVT ngày 11/04/2024 của Sở TT&TT Long An"


def play(
    log: AsRunLog,
    script: str = "a",
    hhmm: str = "06:00",
    seconds: float = 60,
    result: str = "played",
    station: str = "xom-cau",
    day: dt.date = DAY,
) -> int:
    start = at(day, hhmm)
    return log.record_play(
        station_id=station,
        day=day,
        slot=hhmm,
        script_id=script,
        source="camp",
        directive=CV,
        file=f"{script}.mp3",
        title=script,
        start=start,
        end=start + dt.timedelta(seconds=seconds),
        result=result,
    )


def test_path_and_schema(tmp_path: Path, log: AsRunLog) -> None:
    assert asrun_path(tmp_path) == tmp_path / "asrun.sqlite"
    assert log.schema_version == len(MIGRATIONS)
    con = sqlite3.connect(log.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"planned", "plays"} <= tables
    AsRunLog(log.path)  # reopening migrates nothing and keeps the version
    assert log.schema_version == len(MIGRATIONS)


def test_newer_schema_is_refused(log: AsRunLog) -> None:
    con = sqlite3.connect(log.path)
    con.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    con.commit()
    con.close()
    with pytest.raises(AsRunError) as err:
        AsRunLog(log.path)
    assert "phiên bản mới hơn" in err.value.message


def test_record_planned_replaces_the_day(log: AsRunLog) -> None:
    items = [
        planned_item(DAY, "06:00", "a", "camp", CV, 90),
        planned_item(DAY, "06:00", "b", "camp", CV, 60, offset_s=90),
    ]
    log.record_planned(DAY, "xom-cau", items)
    log.record_planned(DAY, "xom-cau", items)  # rebuild: same rows, not twice
    log.record_planned(DAY, "fm", items[:1])
    assert [p.script_id for p in log.planned(DAY, DAY, "xom-cau")] == ["a", "b"]
    log.record_planned(DAY, "xom-cau", items[1:])
    assert [p.script_id for p in log.planned(DAY, DAY, "xom-cau")] == ["b"]
    assert len(log.planned(DAY, DAY)) == 2
    assert log.stations() == ["fm", "xom-cau"]


def test_record_planned_keeps_only_bulletins(log: AsRunLog) -> None:
    jingle = {**planned_item(DAY, "06:00", "", "", "", 5), "kind": "jingle"}
    log.record_planned(
        DAY, "fm", [jingle, planned_item(DAY, "06:00", "a", "camp", CV, 90, offset_s=5)]
    )
    assert [(p.seq, p.script_id) for p in log.planned(DAY, DAY)] == [(0, "a")]


def test_record_play_and_finish(log: AsRunLog) -> None:
    start = at(DAY, "06:00")
    pid = log.record_play(
        station_id="fm",
        day=DAY,
        slot=dt.time(6, 0),
        script_id="a",
        source="camp",
        directive=CV,
        file="a.mp3",
        title="A",
        start=start,
        end=None,
        result="played",
    )
    (p,) = log.plays(DAY, DAY)
    assert (p.id, p.slot, p.end, p.duration_s, p.aired) == (pid, "06:00", None, None, True)
    log.finish_play(pid, end=start + dt.timedelta(seconds=75.5), result="failed")
    (p,) = log.plays(DAY, DAY)
    assert (p.duration_s, p.result, p.aired) == (75.5, "failed", False)
    assert p.start == start and p.start.utcoffset() == dt.timedelta(hours=7)


def test_bad_result_is_refused_and_nothing_written(log: AsRunLog) -> None:
    with pytest.raises(InputError) as err:
        play(log, result="aired")
    assert "played" in err.value.message
    assert log.plays(DAY, DAY) == []


def test_confirm_day_fills_what_did_not_air(log: AsRunLog) -> None:
    items = [
        planned_item(DAY, "06:00", "a", "camp", CV, 90),
        planned_item(DAY, "17:00", "b", "camp", CV, 60),
    ]
    log.record_planned(DAY, "xom-cau", items)
    play(log, "a", "06:00", 90)
    assert log.confirm_day(DAY, "xom-cau") == 1
    assert log.confirm_day(DAY, "xom-cau") == 0
    plays = log.plays(DAY, DAY)
    assert [(p.script_id, p.result, p.duration_s) for p in plays] == [
        ("a", "played", 90.0),
        ("b", "confirmed", 60.0),
    ]
    with pytest.raises(InputError) as err:
        log.confirm_day(DAY, "xom-khac")
    assert "broadcast build" in err.value.message


WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from pathlib import Path
    from zoneinfo import ZoneInfo
    from broadcast.report.asrun import AsRunLog
    log = AsRunLog(Path(sys.argv[1]))
    station, n = sys.argv[2], int(sys.argv[3])
    base = dt.datetime(2026, 11, 25, 6, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    sys.stdout.write("ready\\n"); sys.stdout.flush()
    for i in range(n):
        start = base + dt.timedelta(seconds=i)
        pid = log.record_play(station_id=station, day=start.date(), slot="06:00",
                              script_id=f"s{i}", source="camp", directive="CV", file="f",
                              title="t", start=start, end=start + dt.timedelta(seconds=1),
                              result="played")
        if i % 10 == 0:
            log.record_planned(start.date(), station, [])
        sys.stdout.write(f"{pid}\\n"); sys.stdout.flush()
""")


def _writer(path: Path, station: str, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), station, str(n)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_processes_write_at_once(log: AsRunLog) -> None:
    n = 150
    procs = [_writer(log.path, "fm", n), _writer(log.path, "xom-cau", n)]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert len(out.split()) == n + 1
    plays = log.plays(DAY, DAY)
    assert len(plays) == 2 * n
    assert {p.station_id for p in plays} == {"fm", "xom-cau"}
    assert len({p.id for p in plays}) == 2 * n
    con = sqlite3.connect(log.path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_kill_9_loses_no_committed_record(log: AsRunLog) -> None:
    proc = _writer(log.path, "fm", 100000)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    committed = []
    deadline = time.monotonic() + 60
    while len(committed) < 40 and time.monotonic() < deadline:
        committed.append(int(proc.stdout.readline()))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    if proc.stderr:
        proc.stderr.close()
    ids = {p.id for p in AsRunLog(log.path).plays(DAY, DAY)}
    assert len(committed) == 40
    assert set(committed) <= ids
    con = sqlite3.connect(log.path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
