"""Faults during playout (issue 23): damaged files, short plays, running orders damaged
or rebuilt while the daemon runs, a full disk. Faults at named points
(:mod:`broadcast.files.faults`) or by writing the damage; the fake player holds a play
until the test releases it. Every wait has a deadline."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from broadcast.files import atomic, faults
from broadcast.playlists.m3u8 import Entry, write_playlist
from broadcast.playlists.running_order import read_running_order
from broadcast.playout.daemon import Daemon
from broadcast.report.asrun import AsRunLog, asrun_path, open_for_build

from .test_daemon import PLAYER, wait_for

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 25)


def at(h: int, m: int, s: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 25, h, m, s, tzinfo=TZ)


def entry(out: Path, name: str, start: dt.datetime, seconds: float) -> Entry:
    return Entry(
        start=start, slot=start.time().replace(second=0), path=out / "bulletins" / f"{name}.mp3",
        duration_s=seconds, title=f"Bản tin {name}", script_id=name, source="c",
        priority="normal", directive="CV 1", engine="espeak", window=None,
    )  # fmt: skip


def publish(out: Path, entries: list[Entry]) -> Path:
    """The running order as build writes it (with each file's size and SHA-256)."""
    path = out / "playlists" / DAY.isoformat() / "a.m3u8"
    write_playlist(entries, path, "A", {"id": "a", "name": "Xóm A", "kind": "fm"}, DAY)
    return path.with_suffix(".json")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    (out / "bulletins").mkdir(parents=True)
    for name in ("b1", "b2", "b3", "b5"):
        (out / "bulletins" / f"{name}.mp3").write_bytes(name.encode() * 5000)
    return out


def daemon(out: Path, how: str = "0.2") -> Daemon:
    log = out.parent / "player.log"
    return Daemon(out, player=f"{sys.executable} {PLAYER} {{file}} {log} {how}", poll_s=0.1)


def plays(out: Path):  # type: ignore[no-untyped-def]
    return AsRunLog(asrun_path(out)).plays(DAY, DAY)


def started(out: Path) -> list[str]:
    path = out.parent / "player.log"
    lines = path.read_text().splitlines() if path.exists() else []
    return [line.split(" @")[0].split()[1] for line in lines if line.startswith("start")]


def test_the_running_order_records_size_and_hash_and_old_files_still_load(out):
    doc = json.loads(publish(out, [entry(out, "b1", at(5, 30), 0.1)]).read_text())
    item = doc["items"][0]
    assert item["size"] == 10000 and len(item["sha256"]) == 64
    del item["size"], item["sha256"]  # yesterday's file: neither key
    old = out / "old.json"
    old.write_text(json.dumps(doc))
    assert read_running_order(old).items[0].sha256 is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(p.read_bytes()[:2000]),  # truncated
        lambda p: p.write_bytes(b"\x00garbage" * 1250),  # overwritten, same size
        lambda p: p.write_bytes(b""),  # emptied
    ],
    ids=["truncated", "garbage", "empty"],
)
def test_a_damaged_bulletin_is_never_played_nor_logged_played(out, damage, caplog):
    caplog.set_level(logging.ERROR, logger="broadcast")
    publish(out, [entry(out, "b1", at(5, 30), 0.1), entry(out, "b2", at(5, 30, 1), 0.1)])
    damage(out / "bulletins" / "b1.mp3")
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = daemon(out)
        d.start(build_now=False)
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    rows = {p.script_id: p for p in plays(out)}
    assert rows["b1"].result == "failed" and "tệp hỏng, không phát" in rows["b1"].note
    assert rows["b1"].duration_s == 0
    assert rows["b2"].result == "played"
    assert started(out) == ["b2.mp3"]  # the damaged file never reached the player
    assert "broadcast build --date 2026-11-25" in caplog.text
    assert "Bản tin b1" in d.status.doc["stations"]["a"]["error"]["text"]


def test_a_play_shorter_than_95_percent_is_failed_with_the_seconds_aired(out):
    publish(out, [entry(out, "b1", at(5, 30), 10.0)])  # a 10 s bulletin the player ends at 0.2 s
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = daemon(out, "0.2")
        d.start(build_now=False)
        wait_for(lambda: len(plays(out)) == 1)
        d.shutdown()
    (p,) = plays(out)
    assert p.result == "failed"
    assert p.duration_s is not None and 0.1 < p.duration_s < 2
    assert "chỉ phát được" in p.note and "trong 10.0 giây: trình phát dừng sớm" in p.note


def test_a_running_order_damaged_while_running_keeps_the_last_good_one(out, caplog):
    caplog.set_level(logging.ERROR, logger="broadcast")
    path = publish(out, [entry(out, "b1", at(5, 30), 0.1), entry(out, "b2", at(5, 31), 0.1)])
    with time_machine.travel(at(5, 29, 59), tick=True) as tm:
        d = daemon(out)
        d.start(build_now=False)
        wait_for(lambda: len(plays(out)) == 1)
        for bad in (b"", b'{"date": "2026-11-25", "items": [', b"not json"):
            path.write_bytes(bad)  # damaged in place (0 bytes, truncated, not JSON)
            d._running_orders(DAY)
        tm.move_to(at(5, 30, 59))
        d.scheduler.wakeup()
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    assert [(p.script_id, p.result) for p in plays(out)] == [("b1", "played"), ("b2", "played")]
    assert "vẫn phát theo bản tốt đã đọc trước" in caplog.text


def test_a_rebuild_that_adds_a_session_today_is_scheduled(out):
    path = publish(out, [entry(out, "b1", at(5, 30), 0.1)])
    with time_machine.travel(at(5, 29, 59), tick=True) as tm:
        d = daemon(out)
        d.start(build_now=False)
        wait_for(lambda: len(plays(out)) == 1)
        publish(out, [entry(out, "b1", at(5, 30), 0.1), entry(out, "b2", at(6, 0), 0.1)])
        assert read_running_order(path).by_slot().keys() == {"05:30", "06:00"}
        wait_for(lambda: "session:a:2026-11-25:06:00" in {j.id for j in d.scheduler.get_jobs()})
        tm.move_to(at(5, 59, 59))
        d.scheduler.wakeup()
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    assert [(p.slot, p.script_id, p.result) for p in plays(out)] == [
        ("05:30", "b1", "played"),
        ("06:00", "b2", "played"),
    ]


def test_a_build_during_the_session_replaces_a_later_bulletin(out, tmp_path):
    release = tmp_path / "release"
    publish(out, [entry(out, "b1", at(5, 30), 0.05), entry(out, "b2", at(5, 30, 1), 0.05)])
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = daemon(out, f"hold:{release}")
        d.start(build_now=False)
        wait_for(lambda: started(out) == ["b1.mp3"])
        # while b1 plays, a rebuild puts b5 where b2 was
        publish(out, [entry(out, "b1", at(5, 30), 0.05), entry(out, "b5", at(5, 30, 1), 0.05)])
        release.write_text("")
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    assert started(out) == ["b1.mp3", "b5.mp3"]
    assert [p.script_id for p in plays(out)] == ["b1", "b5"]


def _full() -> None:
    raise sqlite3.OperationalError("database or disk is full")


def test_disk_full_playout_goes_on_says_so_and_logs_again_once_freed(out, caplog):
    caplog.set_level(logging.ERROR, logger="broadcast")
    publish(out, [entry(out, "b1", at(5, 30), 0.05), entry(out, "b2", at(5, 31), 0.05)])
    with time_machine.travel(at(5, 29, 59), tick=True) as tm:
        d = daemon(out, "0.1")
        d.start(build_now=False)
        with faults.inject("asrun.write", _full), faults.inject("ledger.write", _full):
            wait_for(lambda: "b1.mp3" in started(out) and d.status.doc["stations"]["a"]["last"])
        tm.move_to(at(5, 30, 59))
        d.scheduler.wakeup()
        wait_for(lambda: len(plays(out)) == 1)
        d.shutdown()
    assert started(out) == ["b1.mp3", "b2.mp3"]  # nothing stopped playing
    assert [p.script_id for p in plays(out)] == ["b2"]  # b1's row could not be written
    assert "Ổ đĩa đầy: không ghi được vào nhật ký phát sóng" in caplog.text
    assert "Ổ đĩa đầy" in d.status.doc["stations"]["a"]["error"]["text"]


def test_disk_full_does_not_stop_the_build_log_nor_move_a_sound_log_aside(out, caplog):
    caplog.set_level(logging.WARNING, logger="broadcast")
    json_path = publish(out, [entry(out, "b1", at(5, 30), 0.05)])
    AsRunLog(asrun_path(out))  # a sound log exists
    with faults.inject("asrun.write", _full):
        log = open_for_build(asrun_path(out))
        log.record_running_order(json_path)  # warned, not raised
    assert asrun_path(out).is_file() and not list(out.glob("asrun.damaged-*"))
    assert "Ổ đĩa đầy" in caplog.text and "danh sách phát vẫn được làm" in caplog.text
    log = open_for_build(asrun_path(out))
    log.record_running_order(json_path)  # space again: the plan is recorded
    assert [p.script_id for p in log.planned(DAY, DAY)] == ["b1"]


def test_status_is_written_atomically_and_says_next(out):
    publish(out, [entry(out, "b1", at(5, 30), 0.05), entry(out, "b2", at(17, 0), 0.05)])
    with time_machine.travel(at(5, 0), tick=True):
        d = daemon(out)
        d.start(build_now=False)
        d.shutdown()
    doc = json.loads((out / "daemon" / "status.json").read_text("utf-8"))
    assert doc["stations"]["a"]["name"] == "Xóm A"
    assert doc["stations"]["a"]["next"]["slot"] == "05:30"
    assert doc["stations"]["a"]["next"]["title"] == "Bản tin b1"
    assert doc["stopped"]
    assert not atomic.remove_left_over(out / "daemon")  # no temp file left behind


def test_an_emergency_cancelled_while_queued_never_airs(out, tmp_path):
    from broadcast.emergency.queue import cancel, enqueue
    from broadcast.schedule.planner import QueuedBulletin

    release = tmp_path / "release"
    publish(out, [entry(out, "b1", at(5, 30), 0.05), entry(out, "b2", at(5, 30, 1), 0.05)])
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = daemon(out, f"hold:{release}")
        d.start(build_now=False)
        wait_for(lambda: started(out) == ["b1.mp3"])
        q = QueuedBulletin(
            id="khan-1", created=dt.datetime.now(TZ), stations=("a",), script_id="b3",
            title="Bão số 9", directive="CV khẩn", files={"a": "bulletins/b3.mp3"},
            durations={"a": 0.05}, policy={"a": {"interrupt": "after_item", "after": "resume"}},
        )  # fmt: skip
        enqueue(out, q)  # waits for b1 to end (after_item) ...
        wait_for(lambda: d._queue and d._queue[0].id == "khan-1")  # the daemon saw it
        assert cancel(out, "khan-1") is not None  # ... and is cancelled meanwhile
        wait_for(lambda: not d._queue)
        release.write_text("")
        wait_for(lambda: len(plays(out)) == 2)
        d.shutdown()
    assert started(out) == ["b1.mp3", "b2.mp3"]  # never b3.mp3
    assert cancel(out, "khan-1") is None  # cancelled once
