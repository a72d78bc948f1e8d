"""Players that hang, fail or are missing, and wall-clock jumps while the daemon runs
(issue 23). The fake player is held until the test releases it; the clock is moved with
time_machine at the moment the test chooses (no sleeps)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import time_machine

from broadcast.playout.daemon import Daemon
from broadcast.report.asrun import AsRunLog, asrun_path

from .test_daemon import PLAYER, wait_for
from .test_faults import at, entry, plays, publish, started


@pytest.fixture
def out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "bulletins").mkdir(parents=True)
    for name in ("b1", "b2"):
        (out / "bulletins" / f"{name}.mp3").write_bytes(name.encode() * 5000)
    return out


def _daemon(folder: Path, how: str, **kw) -> Daemon:  # type: ignore[no-untyped-def]
    log = folder.parent / "player.log"
    return Daemon(
        folder, player=f"{sys.executable} {PLAYER} {{file}} {log} {how}", poll_s=0.1, **kw
    )


def test_a_hung_player_is_stopped_logged_failed_and_the_session_goes_on(out, tmp_path):
    never = tmp_path / "never"  # the player holds until this exists: it never does
    publish(out, [entry(out, "b1", at(5, 30), 0.2), entry(out, "b2", at(5, 30, 1), 0.2)])
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = _daemon(out, f"hold:{never}", hang_margin_s=0.3)
        d.start(build_now=False)
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    assert started(out) == ["b1.mp3", "b2.mp3"]
    for p in plays(out):
        assert p.result == "failed" and "treo" in p.note, p.note


@pytest.mark.parametrize(
    ("player", "words"),
    [("false {file}", "mã thoát 1"), ("/khong/co/trinh-phat {file}", "không chạy được trình phát")],
    ids=["exits-non-zero", "missing"],
)
def test_a_player_that_fails_or_is_missing_is_logged_failed_with_the_reason(out, player, words):
    publish(out, [entry(out, "b1", at(5, 30), 0.2), entry(out, "b2", at(5, 30, 1), 0.2)])
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = Daemon(out, player=player, poll_s=0.1)
        d.start(build_now=False)
        wait_for(lambda: len(plays(out)) == 2)  # the next item is still tried
        d.shutdown()
    for p in plays(out):
        assert p.result == "failed" and words in p.note, p.note


def test_a_clock_jump_forward_mid_item_logs_what_aired_and_the_missed_session(out, tmp_path):
    release = tmp_path / "release"
    publish(out, [entry(out, "b1", at(5, 30), 10.0), entry(out, "b2", at(5, 31), 0.1)])
    with time_machine.travel(at(5, 29, 59), tick=True) as tm:
        d = _daemon(out, f"hold:{release}")
        d.start(build_now=False)
        wait_for(lambda: started(out) == ["b1.mp3"])
        tm.move_to(at(9, 0))  # +3.5 h while b1 plays: b2's session (5:31) is long past
        release.write_text("")
        d.scheduler.wakeup()
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    rows = {p.script_id: p for p in plays(out)}
    # b1 aired well under a second of its 10 s: failed, not 3.5 h of "played"
    assert rows["b1"].result == "failed" and rows["b1"].duration_s is not None
    assert rows["b1"].duration_s < 5, rows["b1"].duration_s
    assert rows["b2"].result == "skipped" and rows["b2"].note  # missed, with the reason
    assert started(out) == ["b1.mp3"]


def test_a_clock_jump_backward_never_plays_an_item_twice(out):
    publish(out, [entry(out, "b1", at(5, 30), 0.1), entry(out, "b2", at(5, 31), 0.1)])
    with time_machine.travel(at(5, 29, 59), tick=True) as tm:
        d = _daemon(out, "0.1")
        d.start(build_now=False)
        wait_for(lambda: len(plays(out)) == 1)
        tm.move_to(at(5, 29, 50))  # back before b1's session
        d.refresh_playlists()
        d.schedule_days(late=False)
        d.scheduler.wakeup()
        tm.move_to(at(5, 30, 59))
        d.scheduler.wakeup()
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    assert started(out) == ["b1.mp3", "b2.mp3"]
    assert [(p.script_id, p.result) for p in plays(out)] == [("b1", "played"), ("b2", "played")]


def test_a_jump_across_midnight_logs_the_missed_session_and_plays_the_next_days(out):
    from broadcast.playlists.m3u8 import write_playlist

    from .test_faults import DAY, TZ

    publish(out, [entry(out, "b1", at(23, 50), 0.1)])
    nxt = DAY + dt.timedelta(days=1)
    e2 = entry(out, "b2", dt.datetime.combine(nxt, dt.time(0, 10), tzinfo=TZ), 0.1)
    station = {"id": "a", "name": "Xóm A", "kind": "fm"}
    write_playlist([e2], out / "playlists" / nxt.isoformat() / "a.m3u8", "A", station, nxt)
    with time_machine.travel(at(23, 49, 50), tick=True) as tm:
        d = _daemon(out, "0.1")
        d.start(build_now=False)
        tm.move_to(dt.datetime.combine(nxt, dt.time(0, 9, 59), tzinfo=TZ))  # +20 min
        d.scheduler.wakeup()
        got = AsRunLog(asrun_path(out))
        wait_for(lambda: len(got.plays(DAY, nxt)) == 2)
        d.shutdown()
    rows = {p.script_id: p for p in got.plays(DAY, nxt)}
    assert rows["b1"].result == "skipped" and rows["b1"].note  # said, with the reason
    assert rows["b2"].result == "played"
    assert started(out) == ["b2.mp3"]
