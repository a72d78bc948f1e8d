"""A queued emergency that a build also put in the playlist airs once (issue 22): the
daemon plays it from the queue as soon as it sees it and skips the playlist's copy, with
a note in the as-run log. Time controlled (time-machine), fake player, no audio."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from broadcast.emergency.queue import enqueue
from broadcast.playout.daemon import ALREADY_AIRED
from broadcast.report.asrun import AsRunLog, asrun_path
from broadcast.schedule.planner import QueuedBulletin
from tests.conftest import wait_for
from tests.playout.test_daemon import DAY, TZ, _item, at, daemon, out, player_log

__all__ = ["out"]  # the fixture, imported for this module's tests


@pytest.mark.slow
def test_the_playlists_copy_of_a_queued_emergency_is_not_played_again(out):  # type: ignore[no-untyped-def]
    path = out / "playlists" / DAY.isoformat() / "a.json"
    doc = json.loads(path.read_text("utf-8"))
    copy = _item("05:30", at(5, 30, 3), "bao", window="05:30-05:45", seconds=30)
    copy.update(source="khan-1", priority="emergency", script="bao")
    doc["items"].insert(1, copy)  # the build put it at the head of the 05:30 session
    path.write_text(json.dumps(doc), encoding="utf-8")
    enqueue(
        out,
        QueuedBulletin(
            id="khan-1",
            created=dt.datetime(2026, 11, 25, 5, 29, 50, tzinfo=TZ),
            stations=("a",),
            script_id="bao",
            title="Bão số 9",
            directive="CV khẩn",
            files={"a": "bulletins/a/bao.mp3"},
            durations={"a": 30.0},
        ),
    )
    with time_machine.travel(at(5, 29, 59), tick=True):
        d = daemon(out)
        d.start()
        wait_for(lambda: "end b3.mp3" in player_log(out))
        d.shutdown()
    log = player_log(out)
    assert log.count("start bao.mp3") == 1, log
    rows = AsRunLog(asrun_path(out)).plays(DAY, DAY)
    bao = [(r.result, r.note) for r in rows if r.script_id == "bao"]
    assert sorted(r for r, _ in bao) == ["played", "skipped"], bao
    assert any(n == ALREADY_AIRED for r, n in bao if r == "skipped")
