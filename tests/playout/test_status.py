"""``broadcast run`` keeps a status record; ``broadcast status`` reads it (exit 0 / 5).

A real daemon in a subprocess (bounded by timeouts) plays a bulletin held by the fake
player until the test releases it: the record says what is on air, then what played.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.playout.status import read_status, status_path
from tests.cli.test_officer_traps import bc

from .test_run import PLAYER, REPO, session_now, wait_for

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def status(out: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["status", "--out", str(out)])


def record(out: Path) -> dict:
    try:
        return json.loads(status_path(out).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def test_no_daemon_exits_5_and_says_so(tmp_path):
    run = bc("status", "--out", str(tmp_path / "out"))  # through the console entry point
    assert run.code == 5 and "KHÔNG có 'broadcast run' trả lời" in run.out
    r = status(tmp_path / "out")
    assert r.exit_code == 5, r.output
    assert "KHÔNG có 'broadcast run' trả lời" in r.output
    assert "chưa có 'broadcast run' nào chạy" in r.output


def test_a_silent_daemon_is_stale_after_30_s(tmp_path):
    out = tmp_path / "out"
    beat = dt.datetime.now(TZ) - dt.timedelta(seconds=45)
    status_path(out).parent.mkdir(parents=True)
    doc = {"schema": 1, "pid": 1, "host": "h", "started": beat.isoformat(),
           "heartbeat": beat.isoformat(), "stopped": None, "stations": {}}  # fmt: skip
    status_path(out).write_text(json.dumps(doc), encoding="utf-8")
    r = status(out)
    assert r.exit_code == 5
    assert "không trả lời đã 45 giây" in r.output
    fresh = read_status(out, beat + dt.timedelta(seconds=10))
    assert fresh.alive and fresh.why == ""


def test_a_damaged_status_file_is_no_daemon_not_a_traceback(tmp_path):
    out = tmp_path / "out"
    status_path(out).parent.mkdir(parents=True)
    status_path(out).write_bytes(b'{"heartbeat": "20')
    r = status(out)
    assert r.exit_code == 5, r.output
    assert "tệp trạng thái status.json hỏng" in r.output


def test_real_run_shows_on_air_then_last_played_and_stopped(small_root, tmp_path):
    out = tmp_path / "out"
    session_now(out, seconds=0.05)  # released later: aired in full
    release = tmp_path / "release"
    log = tmp_path / "player.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    player = f"{sys.executable} {PLAYER} {{file}} {log} hold:{release}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "broadcast", "run", "--no-build", "--root", str(small_root),
         "--out", str(out), "--player", player],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        wait_for(lambda: (record(out).get("stations", {}).get("xom-a") or {}).get("on_air"), 30)
        doc = record(out)
        assert doc["pid"] == proc.pid
        assert doc["stations"]["xom-a"]["on_air"]["title"] == "Bản tin dài"
        r = status(out)
        assert r.exit_code == 0, r.output
        assert "'broadcast run' đang chạy" in r.output
        assert "Đài X (xom-a):" in r.output
        assert "Đang phát: Bản tin dài" in r.output
        # the daemon says "on air" when it spawns the player; release only once the player
        # has really started, or the release would come before the first sample
        wait_for(lambda: log.exists() and "start long.mp3" in log.read_text("utf-8"), 30)
        release.write_text("")  # the player ends the bulletin
        wait_for(lambda: (record(out)["stations"]["xom-a"] or {}).get("last"), 30)
        last = record(out)["stations"]["xom-a"]["last"]
        assert last["title"] == "Bản tin dài" and last["result"] == "played", last["note"]
        r = status(out)
        assert r.exit_code == 0 and "Vừa phát: Bản tin dài — đã phát" in r.output
        assert "Đang phát: không" in r.output
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    r = status(out)
    assert r.exit_code == 5, r.output
    assert "'broadcast run' đã dừng" in r.output
