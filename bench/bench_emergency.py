"""How long an emergency takes to get on air; prints figures, asserts nothing.

    python bench/bench_emergency.py [RUNS]

At real speed, as an operator would see it: a ``broadcast run`` daemon (a real process,
``--no-build``) is playing a long bulletin on one station of the shipped project with the
fake player of the tests (it logs when each 'play' starts, when it is asked to fade and
when it stops). Then ``broadcast emergency SCRIPT --station S --now`` runs as a process.
Measured from the moment the command is started:

- queued: the emergency is rendered and in ``OUT/emergency/queue.json``;
- fade: the daemon asks the bulletin on air to fade out;
- on air: the fake player starts the emergency (its first sample);
- queue->on air: the daemon's own share (poll, fade, player start-up); the rest is the
  command's start-up, project load and render (CPU-bound: slower on a busy machine).

Target (issue #12): on air <= 3 s with the default poll. The same is measured with
``--poll 5`` (the old poll period) for comparison.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
PLAYER = REPO / "tests" / "playout" / "fake_player.py"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SCRIPT = """---
id: bao-khan
title: Khẩn cấp về bão số 9
topic: thiên tai
directive: {number: 12/BCH-PCTT, issuer: Ban chỉ huy PCTT xã}
priority: emergency
---
Bão số 9 đang vào. Bà con chằng chống nhà cửa, không ra khơi, đưa người già và trẻ em
đến nơi an toàn.
"""


def first_station(root: Path) -> str:
    import yaml

    doc = yaml.safe_load((root / "schedules" / "stations.yaml").read_text("utf-8"))
    return str(doc["stations"][0]["id"])


def playing_now(out: Path, station: str) -> None:
    """A running order whose one long bulletin starts now."""
    start = dt.datetime.now(TZ).replace(microsecond=0)
    (out / "bulletins").mkdir(parents=True, exist_ok=True)
    (out / "bulletins" / "long.mp3").write_bytes(b"x")
    folder = out / "playlists" / start.date().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    item = {"start": start.isoformat(), "slot": f"{start:%H:%M}",
            "end": (start + dt.timedelta(seconds=600)).isoformat(), "duration_s": 600,
            "file": "../../bulletins/long.mp3", "title": "Bản tin dài", "script": "long",
            "source": "c", "priority": "normal", "directive": "CV 1", "engine": "espeak",
            "kind": "bulletin"}  # fmt: skip
    doc = {"date": start.date().isoformat(), "station": {"id": station, "name": station,
           "kind": "fm"}, "items": [item], "schema": 2}  # fmt: skip
    (folder / f"{station}.json").write_text(json.dumps(doc), encoding="utf-8")


def events(log: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in log.read_text().splitlines() if log.exists() else []:
        what, _, at = line.partition(" @")
        out.setdefault(what.split(" ")[0] + (" long" if "long.mp3" in what else ""), float(at))
    return out


def wait(cond, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


def one(root: Path, work: Path, station: str, poll: str) -> dict[str, float] | None:
    out, log = work / "out", work / "player.log"
    shutil.rmtree(out, ignore_errors=True)
    log.unlink(missing_ok=True)
    playing_now(out, station)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = ["--root", str(root), "--out", str(out)]
    player = f"{sys.executable} {PLAYER} {{file}} {log} 600"
    daemon = subprocess.Popen(
        [sys.executable, "-m", "broadcast", "run", "--no-build", "--poll", poll,
         "--player", player, *base],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        if not wait(lambda: "start long" in events(log)):
            return None
        queue = out / "emergency" / "queue.json"
        t0 = time.time()
        cmd = subprocess.Popen(
            [sys.executable, "-m", "broadcast", "emergency", str(work / "bao-khan.md"),
             "--station", station, "--now", *base],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        ok = wait(lambda: "start" in events(log) and len(log.read_text().splitlines()) >= 4, 30)
        queued = queue.stat().st_mtime if queue.exists() else float("nan")
        cmd.wait(120)
        if not ok:
            return None
        ev = events(log)
        return {
            "queued": queued - t0,
            "fade": ev.get("fade long", float("nan")) - t0,
            "on air": ev["start"] - t0,
            "queue->on air": ev["start"] - queued,
        }
    finally:
        daemon.terminate()
        daemon.wait(30)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "project"
        for name in ("scripts", "schedules", "jingles"):
            if (REPO / name).is_dir():
                shutil.copytree(REPO / name, root / name)
        (work / "bao-khan.md").write_text(SCRIPT, encoding="utf-8")
        station = first_station(root)
        print(f"broadcast emergency --now -> first sample on the player (station {station}, "
              f"{runs} runs each, seconds from the command)")  # fmt: skip
        for poll in ("0.25", "5"):
            rows = [r for r in (one(root, work, station, poll) for _ in range(runs)) if r]
            label = "default poll 0.25 s" if poll == "0.25" else "old poll 5 s     "
            if not rows:
                print(f"  {label}: no measurement (the daemon did not play)")
                continue
            parts = []
            for key in ("queued", "fade", "on air", "queue->on air"):
                vals = [r[key] for r in rows]
                parts.append(f"{key} median {statistics.median(vals):.2f} max {max(vals):.2f}")
            print(f"  {label}: " + "; ".join(parts) + f"  (n={len(rows)})")
        print("  target: on air <= 3 s with the default poll")


if __name__ == "__main__":
    main()
