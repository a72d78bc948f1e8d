"""``broadcast run`` as a real process: one daemon per output, the player never outlives
it (SIGTERM, kill -9), leftovers stopped on start, one line per entry it plays."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from broadcast.errors import LockBusyError
from broadcast.playout import player as players
from broadcast.playout.daemon import Daemon
from broadcast.playout.lock import DaemonLock
from tests.conftest import wait_for

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PLAYER = str(Path(__file__).with_name("fake_player.py"))
REPO = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def session_now(out: Path, station: str = "xom-a", seconds: float = 30) -> None:
    start = dt.datetime.now(TZ).replace(microsecond=0)
    (out / "bulletins").mkdir(parents=True, exist_ok=True)
    (out / "bulletins" / "long.mp3").write_bytes(b"x")
    folder = out / "playlists" / start.date().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    item = {"start": start.isoformat(), "slot": f"{start:%H:%M}",
            "end": (start + dt.timedelta(seconds=seconds)).isoformat(), "duration_s": seconds,
            "file": "../../bulletins/long.mp3", "title": "Bản tin dài", "script": "long",
            "source": "c", "priority": "normal", "directive": "CV 1", "engine": "espeak",
            "kind": "bulletin"}  # fmt: skip
    doc = {
        "date": start.date().isoformat(),
        "station": {"id": station, "name": "X", "kind": "fm"},
        "items": [item],
    }  # fmt: skip  (schema 1: no "schema" key)
    (folder / f"{station}.json").write_text(json.dumps(doc), encoding="utf-8")


def run(root: Path, out: Path, log: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    player = f"{sys.executable} {PLAYER} {{file}} {log} 30"
    return subprocess.Popen(
        [sys.executable, "-m", "broadcast", "run", "--no-build", "--root", str(root),
         "--out", str(out), "--player", player],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def player_pid(out: Path) -> int:
    record = out / "daemon" / "players" / "xom-a.json"
    wait_for(record.is_file)
    return int(json.loads(record.read_text())["pgid"])


@pytest.mark.slow
def test_second_daemon_on_one_output_exits_4_naming_the_holder(small_root, tmp_path):
    out = tmp_path / "out"
    held = DaemonLock(out)
    held.acquire()
    try:
        with pytest.raises(LockBusyError) as err:
            Daemon(out).start(build_now=False)
        assert f"PID {os.getpid()}" in err.value.message
        proc = run(small_root, out, tmp_path / "player.log")
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 4, stderr
        assert "Đã có một 'broadcast run' đang phát cho thư mục này" in stderr
        assert f"PID {os.getpid()}" in stderr and "Traceback" not in stderr
    finally:
        held.release()
    again = Daemon(out)
    again.start(build_now=False)  # released: a daemon starts again
    again.shutdown()


@pytest.mark.slow
def test_sigterm_stops_the_player_group_and_prints_what_played(small_root, tmp_path):
    out = tmp_path / "out"
    session_now(out)
    log = tmp_path / "player.log"
    proc = run(small_root, out, log)
    pid = player_pid(out)
    assert alive(pid)
    assert os.getpgid(pid) == pid != os.getpgid(proc.pid)  # its own process group
    wait_for(lambda: log.is_file() and "start long.mp3" in log.read_text())
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=30)
    wait_for(lambda: not alive(pid), 5)
    assert "xom-a  ▶ Bản tin dài (bản tin, 30 s)" in stdout, (stdout, stderr)
    assert "stop long.mp3" in log.read_text()
    assert not (out / "daemon" / "players" / "xom-a.json").exists()


def test_after_kill_9_the_player_stops_and_a_new_daemon_finds_no_leftover(small_root, tmp_path):
    out = tmp_path / "out"
    session_now(out)
    proc = run(small_root, out, tmp_path / "player.log")
    pid = player_pid(out)
    proc.kill()  # kill -9: the daemon cannot clean up
    proc.communicate(timeout=30)
    wait_for(lambda: not alive(pid), 5)  # PR_SET_PDEATHSIG


def test_start_stops_a_player_group_a_dead_daemon_left_playing(tmp_path):
    """No pdeathsig (another OS, a player that forked): the pgid record is the backstop."""
    out = tmp_path / "out"
    state = out / "daemon"
    left = subprocess.Popen(["sleep", "60"], start_new_session=True)
    record = players.players_dir(state) / "a.json"
    record.write_text(json.dumps({"pgid": left.pid, "ticks": players._start_ticks(left.pid),
                                  "file": "x.mp3"}))  # fmt: skip
    d = Daemon(out)
    d.start(build_now=False)
    try:
        left.wait(5)  # a 60 s sleep ended within 5 s: stopped (and reaped)
        assert not alive(left.pid)
        assert not record.exists()
    finally:
        d.shutdown()


def test_a_record_of_a_process_that_is_not_ours_any_more_is_left_alone(tmp_path):
    out = tmp_path / "out"
    other = subprocess.Popen(["sleep", "60"], start_new_session=True)
    record = players.players_dir(out / "daemon") / "a.json"
    record.write_text(json.dumps({"pgid": other.pid, "ticks": "1", "file": "x.mp3"}))
    try:
        assert players.kill_leftovers(out / "daemon") == []
        assert other.poll() is None and not record.exists()
    finally:
        other.kill()
        other.wait()
