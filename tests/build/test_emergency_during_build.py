"""An emergency queued while a build runs airs exactly once (issue 22): the build looks
at the queue again before it ends and plans the station-days it reaches once more, so its
playlists carry it once (and the daemon, which plays it from the queue, skips that copy:
tests/playout/test_emergency_once.py). The queue write happens at a named fault point in
the middle of the build, after the day was planned without it; no sleeps."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import time_machine

from broadcast.build.day import build
from broadcast.emergency.queue import enqueue
from broadcast.files import faults
from broadcast.project.loader import load_project
from broadcast.schedule.planner import QueuedBulletin

TZ = dt.timezone(dt.timedelta(hours=7))


def _sources(out: Path, day: str, sid: str) -> list[str]:
    order = json.loads((out / "playlists" / day / f"{sid}.json").read_text("utf-8"))
    return [i["source"] for i in order["items"] if i["kind"] == "bulletin"]


def test_an_emergency_queued_mid_build_is_in_the_playlists_once(small_root: Path) -> None:
    out = small_root / "audio_out"
    project = load_project(small_root)
    sids = ("fm-thu", "xom-a")
    queued: list[QueuedBulletin] = []

    def queue_one() -> None:
        if queued:
            return  # once, at the first day the build planned
        some = next((out / "bulletins").rglob("*.mp3"))
        files = {}
        for sid in sids:
            target = out / "emergency" / f"bao-{sid}.mp3"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(some, target)
            files[sid] = target.relative_to(out).as_posix()
        entry = QueuedBulletin(
            id="khan-cap-20261125-100000-bao",
            created=dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ),  # after 05:30, before 17:00
            stations=sids,
            script_id="bao",
            title="Bão số 9",
            directive="CV khẩn",
            files=files,
            durations={sid: 30.0 for sid in sids},
        )
        enqueue(out, entry)
        queued.append(entry)

    with time_machine.travel(dt.datetime(2026, 11, 25, 9, 0, tzinfo=TZ), tick=False):
        with faults.inject("build.planned", queue_one):
            build(project, out, dt.date(2026, 11, 25), 2)
    assert queued, "the fault point was reached"
    qid = queued[0].id
    for sid in sids:
        today = _sources(out, "2026-11-25", sid)
        tomorrow = _sources(out, "2026-11-26", sid)
        # exactly once: in today's 17:00 session (the first after 10:00), not tomorrow
        assert today.count(qid) == 1, (sid, today)
        assert qid not in tomorrow, (sid, tomorrow)
        order = json.loads((out / "playlists" / "2026-11-25" / f"{sid}.json").read_text("utf-8"))
        (item,) = [i for i in order["items"] if i["source"] == qid]
        assert item["slot"] == "17:00" and item["priority"] == "emergency"


def test_a_build_with_nothing_queued_meanwhile_plans_each_day_once(small_root: Path) -> None:
    out = small_root / "audio_out"
    project = load_project(small_root)
    hits: list[int] = []
    with faults.inject("build.planned", lambda: hits.append(1)):
        build(project, out, dt.date(2026, 11, 25), 2)
    assert len(hits) == 2  # one plan a day: no second round without a new emergency
