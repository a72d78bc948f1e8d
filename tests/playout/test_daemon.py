"""The playout daemon with time controlled (time-machine): sessions, restarts, emergencies.

A fake player logs each play; playlists are synthetic JSON running orders (no audio).
The scheduler, its SQLite job store, the ledger and the as-run log are the real ones.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from broadcast.emergency.queue import enqueue
from broadcast.playout.daemon import Daemon
from broadcast.report.asrun import AsRunLog, asrun_path
from broadcast.schedule.planner import QueuedBulletin
from tests.conftest import wait_for

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 25)
PLAYER = str(Path(__file__).with_name("fake_player.py"))


def at(h: int, m: int, s: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 25, h, m, s, tzinfo=TZ)


def _item(
    slot: str,
    start: dt.datetime,
    name: str,
    kind: str = "bulletin",
    window: str | None = None,
    seconds: float = 60,
) -> dict:
    return {
        "start": start.isoformat(),
        "slot": slot,
        "end": (start + dt.timedelta(seconds=seconds)).isoformat(),
        "duration_s": seconds,
        "file": f"../../bulletins/a/{name}.mp3",
        "title": name,
        "script": "" if kind == "jingle" else name,
        "source": "" if kind == "jingle" else "c",
        "priority": "" if kind == "jingle" else "normal",
        "directive": "" if kind == "jingle" else "CV 1",
        "engine": "espeak",
        "kind": kind,
        "window": window,
    }


@pytest.fixture
def out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "bulletins" / "a").mkdir(parents=True)
    for name in ("id", "b1", "b2", "b3", "b4", "bao"):
        (out / "bulletins" / "a" / f"{name}.mp3").write_bytes(b"x")
    folder = out / "playlists" / DAY.isoformat()
    folder.mkdir(parents=True)
    w1, w2 = "05:30-05:45", "17:00-17:15"
    items = [
        _item("05:30", at(5, 30), "id", "jingle", w1, 3),
        _item("05:30", at(5, 30, 3), "b1", window=w1),
        _item("05:30", at(5, 31, 3), "b2", window=w1),
        _item("05:30", at(5, 32, 3), "b3", window=w1),
        _item("17:00", at(17, 0), "id", "jingle", w2, 3),
        _item("17:00", at(17, 0, 3), "b4", window=w2),
    ]
    doc = {
        "date": DAY.isoformat(),
        "station": {"id": "a", "name": "A", "kind": "fm"},
        "timezone": "Asia/Ho_Chi_Minh",
        "items": items,
    }
    (folder / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    return out


def daemon(out: Path, seconds: float = 0.05) -> Daemon:
    log = out.parent / "player.log"
    player = f"{sys.executable} {PLAYER} {{file}} {log} {seconds}"
    # synthetic 60 s items played by a 0.05 s stand-in: the 95 % rule has its own tests
    # (tests/playout/test_faults.py)
    return Daemon(out, player=player, poll_s=0.3, min_aired=0.0)


def plays(out: Path, result: str | None = None) -> list[tuple[str, str, str]]:
    rows = AsRunLog(asrun_path(out)).plays(DAY, DAY)
    return [(p.slot, p.script_id, p.result) for p in rows if result in (None, p.result)]


def player_log(out: Path) -> list[str]:
    path = out.parent / "player.log"
    lines = path.read_text().splitlines() if path.exists() else []
    return [line.split(" @")[0] for line in lines]


def player_times(out: Path) -> dict[str, float]:
    """First time of each 'EVENT NAME' line of the fake player's log."""
    path = out.parent / "player.log"
    times: dict[str, float] = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        what, _, at = line.partition(" @")
        times.setdefault(what, float(at))
    return times


@pytest.mark.slow
def test_sessions_play_at_their_time_and_restart_mid_day_neither_skips_nor_doubles(out):
    with time_machine.travel(at(5, 29, 58), tick=True) as tm:
        d = daemon(out)
        d.start()
        assert {j.id for j in d.scheduler.get_jobs()} >= {
            "session:a:2026-11-25:05:30",
            "session:a:2026-11-25:17:00",
            "build-ahead",
        }
        wait_for(lambda: len(plays(out)) == 3)
        d.shutdown()
        assert [p[1] for p in plays(out)] == ["b1", "b2", "b3"]
        # restart at noon: the morning is not replayed, the evening job survived
        tm.move_to(at(12, 0))
        d2 = daemon(out)
        d2.start()
        wait_for(d2.settled)  # the restart's catch-up is done: nothing replayed
        assert len(plays(out)) == 3
        assert [j.id for j in d2.scheduler.get_jobs() if j.id.startswith("session")] == [
            "session:a:2026-11-25:17:00"
        ]
        tm.move_to(at(16, 59, 59))
        d2.scheduler.wakeup()
        wait_for(lambda: len(plays(out)) == 4)
        wait_for(d2.settled)  # and nothing more after it
        d2.shutdown()
    assert plays(out) == [
        ("05:30", "b1", "played"),
        ("05:30", "b2", "played"),
        ("05:30", "b3", "played"),
        ("17:00", "b4", "played"),
    ]
    starts = [line for line in player_log(out) if line.startswith("start")]
    assert starts == [
        "start id.mp3",
        "start b1.mp3",
        "start b2.mp3",
        "start b3.mp3",
        "start id.mp3",
        "start b4.mp3",
    ]


@pytest.mark.parametrize(
    "back,expected",
    [
        ((5, 35), ["played", "played", "played"]),  # late, but the window still holds them
        ((5, 44, 20), ["skipped", "skipped", "skipped"]),  # 40 s left: a 60 s bulletin never cut
    ],
)
def test_late_restart_inside_the_window_plays_only_what_still_fits(out, back, expected):
    with time_machine.travel(at(5, 0), tick=True) as tm:
        d = daemon(out)
        d.start()
        d.shutdown()
        tm.move_to(at(*back))
        d2 = daemon(out)
        d2.start()
        wait_for(lambda: len(plays(out)) == 3)
        d2.shutdown()
    assert [p[2] for p in plays(out)] == expected
    assert player_log(out)[0] == "start id.mp3"  # the station ID (3 s) still fits


def test_session_missed_while_off_is_recorded_skipped_not_played(out, caplog):
    caplog.set_level(logging.WARNING, logger="broadcast")
    with time_machine.travel(at(5, 0), tick=True) as tm:
        d = daemon(out)
        d.start()
        d.shutdown()
        tm.move_to(at(7, 0))
        d2 = daemon(out)
        d2.start()
        wait_for(lambda: len(plays(out)) == 3)
        wait_for(d2.settled)
        d2.shutdown()
    assert {p[2] for p in plays(out)} == {"skipped"}
    assert player_log(out) == []
    said = [r.getMessage() for r in caplog.records if r.name.startswith("broadcast")]
    assert any("đài a, buổi 05:30 ngày 25/11/2026: 4 mục ghi 'bỏ qua'" in m for m in said), said


@pytest.mark.slow
@pytest.mark.parametrize("cut", [False, True])
def test_emergency_plays_after_the_bulletin_now_playing_or_cuts_it(out, cut):
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = daemon(out, seconds=0.8)
        d.start()
        wait_for(lambda: "start b1.mp3" in player_log(out))
        enqueue(
            out,
            QueuedBulletin(
                id="khan-1",
                created=dt.datetime.now(TZ),
                stations=("a",),
                script_id="bao",
                title="Bão số 9",
                directive="CV khẩn",
                files={"a": "bulletins/a/bao.mp3"},
                durations={"a": 30.0},
                now=cut,
            ),
        )
        wait_for(lambda: "end bao.mp3" in player_log(out))
        wait_for(lambda: "end b3.mp3" in player_log(out))
        d.shutdown()
    log = player_log(out)
    i = log.index("start bao.mp3")
    if cut:
        # faded, stopped, the emergency, then b1 again from its start (after: resume)
        assert log[i - 3 : i] == ["start b1.mp3", "fade b1.mp3", "stop b1.mp3"]
        assert log[i + 1 : i + 4] == ["end bao.mp3", "start b1.mp3", "end b1.mp3"]
        b1 = [p[2] for p in plays(out) if p[1] == "b1"]
        assert b1 == ["failed", "played"]
    else:
        assert log[i - 2 : i] == ["start b1.mp3", "end b1.mp3"]
    assert log.index("start b2.mp3") > i
    assert log.count("start bao.mp3") == 1
    assert [p[1:] for p in plays(out) if p[1] == "bao"] == [("bao", "played")]


@pytest.mark.slow
def test_entry_cut_by_a_crash_is_recorded_failed_and_not_replayed(out):
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = daemon(out)
        # the previous daemon died while b1 (entry 1 of the 05:30 session) was playing
        d.ledger.claim("2026-11-25", "a", "05:30", 0, "id.mp3", "played")
        d.ledger.claim("2026-11-25", "a", "05:30", 1, "b1.mp3")
        d.start()
        wait_for(lambda: len(plays(out)) == 3)
        d.shutdown()
    assert plays(out)[0] == ("05:30", "b1", "failed")
    assert sorted(plays(out)[1:]) == [("05:30", "b2", "played"), ("05:30", "b3", "played")]
    assert "start b1.mp3" not in player_log(out) and "start id.mp3" not in player_log(out)
