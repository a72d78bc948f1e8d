"""Emergency interrupts at real speed with the fake player: each policy, no overlap, and
the as-run rows (the cut entry at the time its player really stopped)."""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcast.emergency.queue import enqueue
from broadcast.playout.daemon import Daemon
from broadcast.report.asrun import AsRunLog, asrun_path
from broadcast.schedule.planner import QueuedBulletin
from tests.conftest import wait_for

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PLAYER = str(Path(__file__).with_name("fake_player.py"))
SECONDS = 0.8  # each fake 'play'


def item(start: dt.datetime, name: str, kind: str = "bulletin") -> dict:
    return {
        "start": start.isoformat(),
        "slot": f"{start:%H:%M}",
        "end": (start + dt.timedelta(seconds=SECONDS)).isoformat(),
        "duration_s": SECONDS,
        "file": f"../../bulletins/a/{name}.mp3",
        "title": name,
        "script": name,
        "source": "c",
        "priority": "normal",
        "directive": "CV 1",
        "engine": "espeak",
        "kind": kind,
        "window": None,
    }


def session_now(out: Path) -> dt.date:
    """A running order for station a whose session (b1, b2, b3) starts now."""
    start = dt.datetime.now(TZ).replace(microsecond=0)
    (out / "bulletins" / "a").mkdir(parents=True)
    for name in ("b1", "b2", "b3", "bao"):
        (out / "bulletins" / "a" / f"{name}.mp3").write_bytes(b"x")
    folder = out / "playlists" / start.date().isoformat()
    folder.mkdir(parents=True)
    items = [
        item(start + dt.timedelta(seconds=i * SECONDS), n) for i, n in enumerate(["b1", "b2", "b3"])
    ]
    for it in items:
        it["slot"] = f"{start:%H:%M}"
    doc = {"date": start.date().isoformat(), "station": {"id": "a", "name": "A", "kind": "fm"},
           "timezone": "Asia/Ho_Chi_Minh", "items": items, "schema": 2}  # fmt: skip
    (folder / "a.json").write_text(json.dumps(doc), encoding="utf-8")
    return start.date()


def events(out: Path) -> list[tuple[str, float]]:
    path = out.parent / "player.log"
    rows = []
    for line in path.read_text().splitlines() if path.exists() else []:
        what, _, at = line.partition(" @")
        rows.append((what, float(at)))
    return rows


def names(out: Path) -> list[str]:
    return [e for e, _ in events(out)]


def queue(out: Path, interrupt: str, after: str) -> float:
    created = dt.datetime.now(TZ)
    enqueue(
        out,
        QueuedBulletin(
            id="khan-1",
            created=created,
            stations=("a",),
            script_id="bao",
            title="Bão số 9",
            directive="CV khẩn",
            files={"a": "bulletins/a/bao.mp3"},
            durations={"a": SECONDS},
            policy={"a": {"interrupt": interrupt, "after": after}},
        ),
    )
    return time.time()


def no_overlap(out: Path) -> None:
    """Every start comes after the previous play's end (or stop)."""
    playing = None
    for what, _at in events(out):
        kind, name = what.split(" ", 1)
        if kind == "start":
            assert playing is None, f"{name} started while {playing} played: {names(out)}"
            playing = name
        elif kind in ("end", "stop"):
            assert playing == name
            playing = None


@pytest.mark.slow
@pytest.mark.parametrize(
    "interrupt,after,expected",
    [
        ("now", "resume", ["start b1.mp3", "fade b1.mp3", "stop b1.mp3", "start bao.mp3",
                           "end bao.mp3", "start b1.mp3", "end b1.mp3", "start b2.mp3",
                           "end b2.mp3", "start b3.mp3", "end b3.mp3"]),
        ("now", "drop", ["start b1.mp3", "fade b1.mp3", "stop b1.mp3", "start bao.mp3",
                         "end bao.mp3"]),
        ("after_item", "resume", ["start b1.mp3", "end b1.mp3", "start bao.mp3", "end bao.mp3",
                                  "start b2.mp3", "end b2.mp3", "start b3.mp3", "end b3.mp3"]),
        ("after_item", "drop", ["start b1.mp3", "end b1.mp3", "start bao.mp3", "end bao.mp3"]),
    ],
)  # fmt: skip
def test_each_policy_plays_in_order_without_overlap_and_logs_right(
    tmp_path, interrupt, after, expected
):
    out = tmp_path / "out"
    day = session_now(out)
    log = tmp_path / "player.log"
    d = Daemon(
        out, player=f"{sys.executable} {PLAYER} {{file}} {log} {SECONDS}", fade_s=0.3, min_aired=0.0
    )
    d.start(build_now=False)
    try:
        wait_for(lambda: "start b1.mp3" in names(out))
        asked = queue(out, interrupt, after)
        wait_for(lambda: "end bao.mp3" in names(out))
        want = 5 if after == "resume" and interrupt == "now" else 4
        wait_for(lambda: len(AsRunLog(asrun_path(out)).plays(day, day)) >= want)
        time.sleep(0.3 if after == "drop" else 0)
    finally:
        d.shutdown()
    assert names(out) == expected
    no_overlap(out)
    at = dict(reversed(events(out)))  # first time of each event
    rows = [
        (p.script_id, p.result, p.note, p.end) for p in AsRunLog(asrun_path(out)).plays(day, day)
    ]
    by = {}
    for script, result, note, end in rows:
        by.setdefault(script, []).append((result, note, end))
    assert [r for r, _, _ in by["bao"]] == ["played"]
    if interrupt == "now":
        # on air within 3 s of the queue entry, with a fade first
        assert at["start bao.mp3"] - asked < 3.0
        assert at["stop b1.mp3"] - at["fade b1.mp3"] == pytest.approx(0.3, abs=0.25)
        result, note, end = by["b1"][0]
        assert result == "failed" and note.startswith("bị ngắt lúc")
        # the time the player stopped, not the time the daemon noticed the queue
        assert end.timestamp() == pytest.approx(at["stop b1.mp3"], abs=0.2)
        assert end.timestamp() > asked
    else:
        assert by["b1"][0][0] == "played"
    if after == "drop":
        assert [(r, n.startswith("bỏ phần còn lại")) for r, n, _ in by["b2"] + by["b3"]] == [
            ("skipped", True),
            ("skipped", True),
        ]
    else:
        assert by["b2"][0][0] == by["b3"][0][0] == "played"
        if interrupt == "now":
            assert [r for r, _, _ in by["b1"]] == ["failed", "played"]
