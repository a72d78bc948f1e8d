"""Province-scale benchmark: plan N stations over a 21-day campaign, write one day's playlists.

    python bench/bench_province.py                 # 100, 1,000 and 10,000 stations
    python bench/bench_province.py --sizes 10000
    python bench/bench_province.py --full 1000 10000      # full cold builds, render included
    python bench/bench_province.py --compare 4 100        # cold builds side by side

``--full`` and ``--compare`` run the real ``broadcast build`` (spoken form, speech,
mastering, MP3, playlists) of one day of the shipped campaign and scripts for N
stations in three dialects, cold (empty output folder) then warm (again, nothing to
do). They report wall time, peak memory of the whole process tree (the build and its
worker processes, sampled from /proc), disk by folder and the cost of each added
station. See README, "Render once, air everywhere".

Synthetic: stations (a commune FM station and hamlet loudspeaker clusters with their
own windows and Hà Nội-style limits), three overlapping campaigns (province-wide,
loudspeakers by named session, a priority one for FM), nine scripts and made-up
durations: no audio is rendered. Each measurement runs in a fresh process so that its
peak memory (max RSS, interpreter and imports included) is its own.

Goal: 10,000 stations planned over 21 days and their day of playlists written in under
30 s and 500 MB together. The planning column also shows CPU seconds: on a shared, loaded
machine wall time overstates the work.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START = dt.date(2026, 11, 25)
DAYS = 21
DIRECTIVE = {"number": "3316/UBND-VHTT", "date": "22/11/2024", "issuer": "UBND huyện Phú Bình"}


def make_project(n: int):  # type: ignore[no-untyped-def]
    from broadcast.project.schedule import Campaign, Schedule, Station
    from broadcast.project.scripts import Script, ScriptMeta

    stations = {}
    for i in range(n):
        if i % 10 == 0:
            raw = {
                "id": f"fm-{i:05d}",
                "name": f"Đài xã {i}",
                "kind": "fm",
                "windows": ["05:30-06:30", "17:00-18:00"],
                "limits": {"max_sessions_per_day": 2, "max_session": "45m"},
            }
        else:
            raw = {
                "id": f"xom-{i:05d}",
                "name": f"Loa xóm {i}",
                "kind": "loudspeaker",
                "windows": ["05:30-05:45", "17:00-17:15"]
                if i % 3
                else ["06:00-06:15", "17:30-17:45"],
                "limits": {"max_sessions_per_day": 2, "max_session": "15m"},
            }
        st = Station.model_validate(raw)
        stations[st.id] = st
    groups = {
        "all": list(stations),
        "fm": [s for s in stations if s.startswith("fm")],
        "loudspeaker": [s for s in stations if s.startswith("xom")],
    }
    until = (START + dt.timedelta(days=DAYS - 1)).isoformat()
    common = {"directive": DIRECTIVE, "from": START.isoformat(), "until": until}
    campaigns = [
        Campaign.model_validate(
            {
                "id": "toan-tinh",
                "title": "Toàn tỉnh",
                **common,
                "slots": [{"at": "05:30", "times": 2}, {"at": "17:00"}],
                "stations": ["all"],
            }
        ),
        Campaign.model_validate(
            {
                "id": "loa-xom",
                "title": "Loa xóm",
                **common,
                "weekdays": ["mon", "wed", "fri", "sat"],
                "slots": [{"session": "sáng"}, {"session": "chiều"}],
                "stations": ["loudspeaker"],
            }
        ),
        Campaign.model_validate(
            {
                "id": "fm-uu-tien",
                "title": "FM ưu tiên",
                **common,
                "priority": "priority",
                "per_day": 3,
                "slots": [{"session": "sáng"}, {"session": "chiều"}],
                "stations": ["fm"],
            }
        ),
    ]
    scripts = {}
    for k in range(9):
        sid = f"kich-ban-{k}"
        scripts[sid] = Script(
            meta=ScriptMeta(
                id=sid, title=f"Cảnh báo lừa đảo số {k}", topic="lừa đảo", directive=DIRECTIVE
            ),
            text="chữ " * 100,
            path=Path(f"{sid}.md"),
            body_line=8,
        )
    sched = Schedule(
        commune="Tỉnh thử", stations=stations, groups=groups, campaigns=campaigns, oneoffs=[]
    )
    return sched, scripts


def synthetic(station, script) -> float:  # type: ignore[no-untyped-def]
    return 60.0 + (sum(map(ord, script.id)) * 7 + len(station.id)) % 50


def run_plan(n: int) -> dict[str, float]:
    from broadcast.schedule.planner import Planner

    sched, scripts = make_project(n)
    t0, c0 = time.perf_counter(), time.process_time()
    items = notes = 0
    planner = Planner(sched, scripts, durations=synthetic)
    for i in range(DAYS):
        plan = planner.plan(START + dt.timedelta(days=i))
        items += sum(len(s.items) for sess in plan.sessions.values() for s in sess)
        notes += len(plan.notes)
    return {
        "seconds": time.perf_counter() - t0,
        "cpu_s": time.process_time() - c0,
        "items": items,
        "notes": notes,
    }


def run_write(n: int) -> dict[str, float]:
    from broadcast.build.day import entries_for, note_docs, playlist_path, session_docs
    from broadcast.playlists.m3u8 import Batch, write_playlist
    from broadcast.render.jingles import JingleFile
    from broadcast.render.renderer import Bulletin
    from broadcast.schedule.planner import plan_day

    sched, scripts = make_project(n)
    day = START
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        plan = plan_day(sched, scripts, day, durations=synthetic)
        jingles = (
            JingleFile(out / "jingles" / "station-id.mp3", 2.86, "Nhạc hiệu đài"),
            JingleFile(out / "jingles" / "between.mp3", 2.1, "Chuông chuyển bản tin"),
        )
        files = 0
        batch = Batch()
        for sid, station in sched.stations.items():
            bulletins = {
                s: Bulletin(
                    path=out / "bulletins" / sid / f"{s}.mp3",
                    key=s,
                    script_id=s,
                    station_id=sid,
                    title=scripts[s].meta.title,
                    duration_s=synthetic(station, scripts[s]),
                    engine="espeak",
                    voice="vi",
                    lufs=-16.0,
                    spoken_text="",
                )
                for s in {i.script_id for i in plan.items(sid)}
            }
            write_playlist(
                entries_for(plan, sid, bulletins, jingles, out),
                playlist_path(out, day, sid),
                title=f"{station.name} — {day}",
                station={"id": sid, "name": station.name, "kind": station.kind},
                day=day,
                sessions=session_docs(plan, sid),
                notes=note_docs(plan, sid),
                batch=batch,
            )
            files += 2
        batch.commit()
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "files": files}


REPO = Path(__file__).resolve().parent.parent
DIALECTS = ("north", "central", "south")


def make_real_project(root: Path, n: int) -> dt.date:
    """The shipped scripts and campaign, with N stations (1 FM, N-1 loudspeaker clusters)
    in three dialects; returns the campaign's first day."""
    write_province(root, n)
    from broadcast.project.loader import load_project

    return min(c.start for c in load_project(root).schedule.campaigns)


def write_province(root: Path, n: int) -> Path:
    """Write the project of :func:`make_real_project`; returns its stations.yaml."""
    import shutil

    import yaml

    shutil.copytree(REPO / "scripts", root / "scripts")
    (root / "schedules").mkdir(parents=True)
    for f in (REPO / "schedules").glob("*.yaml"):
        if f.name != "stations.yaml":
            shutil.copy(f, root / "schedules" / f.name)
    shipped = yaml.safe_load((REPO / "schedules" / "stations.yaml").read_text("utf-8"))
    fm = dict(shipped["stations"][0])
    loud = dict(shipped["stations"][1])
    stations = [fm]
    for i in range(1, n):
        st = json.loads(json.dumps(loud))  # a deep copy: YAML anchors are refused
        st.update(id=f"xom-{i:05d}", name=f"Loa truyền thanh xóm {i}")
        st["dialect"] = DIALECTS[i % 3]
        stations.append(st)
    doc = {
        "commune": "Tỉnh thử",
        "timezone": shipped.get("timezone", "Asia/Ho_Chi_Minh"),
        "defaults": shipped["defaults"],
        "stations": stations,
        "groups": {"cac-xom": [s["id"] for s in stations[1:]]},
    }
    path = root / "schedules" / "stations.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _rss_kb(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them: the
    workers are forked from the build and share its pages), else the resident size."""
    for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            kids += [int(k) for k in (task / "children").read_text().split()]
    except OSError:
        pass
    return kids


def _tree_rss_kb(root_pid: int) -> int:
    """Memory of ``root_pid`` and all its descendants, in kB (PSS from /proc; only
    the tree is read, so sampling costs the machine next to nothing)."""
    total, frontier, seen = 0, [root_pid], set()
    while frontier:
        pid = frontier.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kb(pid)
        frontier += _children(pid)
    return total


def timed_build(root: Path, out: Path, day: dt.date, extra: list[str]) -> dict[str, float]:
    """Run ``broadcast build`` once; wall time and the process tree's peak memory."""
    cmd = [sys.executable, "-m", "broadcast", "build", "--date", day.isoformat()]
    cmd += ["--root", str(root), "--out", str(out), *extra]
    env = dict(__import__("os").environ, PYTHONPATH=str(REPO))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.25)
    seconds = time.perf_counter() - t0
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"build failed ({proc.returncode}): {stderr.decode()[-2000:]}")
    return {"seconds": seconds, "peak_mb": peak / 1024, "stdout": stdout.decode().strip()}


def _du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def full_build(n: int, extra: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix=f"bench-full-{n}-") as tmp:
        root, out = Path(tmp) / "project", Path(tmp) / "out"
        day = make_real_project(root, n)
        cold = timed_build(root, out, day, extra)
        warm = timed_build(root, out, day, extra)
        bulletins = _du(out / "bulletins")
        announcements = _du(out / "announcements")
        return {
            "stations": n,
            "cold_s": cold["seconds"],
            "cold_peak_mb": cold["peak_mb"],
            "warm_s": warm["seconds"],
            "warm_peak_mb": warm["peak_mb"],
            "bulletin_mb": bulletins / 2**20,
            "announcement_mb": announcements / 2**20,
            "audio_mb": (bulletins + announcements) / 2**20,
            "speech_cache_mb": _du(out / "cache") / 2**20,
            "playlists_mb": _du(out / "playlists") / 2**20,
            "total_mb": _du(out) / 2**20,
            "mp3s": len(list(out.rglob("*.mp3"))),
            "summary": cold["stdout"].splitlines()[0] if cold["stdout"] else "",
        }


def print_full(rows: list[dict[str, float]]) -> None:
    print(
        f"{'stations':>9} {'cold s':>8} {'peak MB':>8} {'warm s':>7} {'MP3s':>7} "
        f"{'bulletins MB':>13} {'announce MB':>12} {'speech MB':>10} {'all MB':>8}"
    )
    for r in rows:
        print(
            f"{r['stations']:>9,} {r['cold_s']:>8.1f} {r['cold_peak_mb']:>8.0f} "
            f"{r['warm_s']:>7.1f} {r['mp3s']:>7,} {r['bulletin_mb']:>13.1f} "
            f"{r['announcement_mb']:>12.1f} {r['speech_cache_mb']:>10.1f} {r['total_mb']:>8.1f}"
        )
    if len(rows) > 1:
        a, b = rows[0], rows[-1]
        added = b["stations"] - a["stations"]
        print(
            f"{b['stations']:,} vs {a['stations']:,} stations: wall time "
            f"x{b['cold_s'] / a['cold_s']:.2f}, bulletin audio bytes "
            f"x{b['audio_mb'] / a['audio_mb']:.2f} (announcements included; "
            f"x{b['bulletin_mb'] / a['bulletin_mb']:.2f} for bulletins alone)"
        )
        print(
            f"cost per added station: {(b['cold_s'] - a['cold_s']) / added * 1000:.1f} ms, "
            f"{(b['total_mb'] - a['total_mb']) / added * 1024:.0f} KB on disk"
        )


def worker(kind: str, n: int) -> None:
    result = run_plan(n) if kind == "plan" else run_write(n)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--worker", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    ap.add_argument("--full", type=int, nargs="+", help="full cold+warm builds of N stations")
    ap.add_argument(
        "--compare", type=int, nargs="+", help="full builds side by side, e.g. --compare 4 100"
    )
    ap.add_argument("--jobs", type=int, default=None, help="build --jobs (default: cores)")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]))
        return
    if args.full or args.compare:
        extra = ["--jobs", str(args.jobs)] if args.jobs else []
        import os

        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
        rows = [full_build(n, extra) for n in (args.compare or args.full)]
        print_full(rows)
        print(f"load average {os.getloadavg()[0]:.1f} at end (other work shares the CPU)")
        return
    print(
        f"{'stations':>9} {'plan 21 d (s)':>14} {'cpu (s)':>8} {'peak MB':>8} {'write 1 d (s)':>14} "
        f"{'peak MB':>8} {'items':>10} {'files':>7}"
    )
    rows = []
    for n in args.sizes:
        res = {}
        for kind in ("plan", "write"):
            proc = subprocess.run(
                [sys.executable, __file__, "--worker", kind, str(n)],
                capture_output=True,
                text=True,
                check=True,
            )
            res[kind] = json.loads(proc.stdout)
        rows.append((n, res))
        p, w = res["plan"], res["write"]
        print(
            f"{n:>9,} {p['seconds']:>14.2f} {p['cpu_s']:>8.2f} {p['peak_mb']:>8.0f} {w['seconds']:>14.2f} "
            f"{w['peak_mb']:>8.0f} {p['items']:>10,} {w['files']:>7,}"
        )
    if len(rows) > 1:
        (n0, a), (n1, b) = rows[0], rows[-1]
        grow = (b["plan"]["seconds"] + b["write"]["seconds"]) / max(
            1e-9, a["plan"]["seconds"] + a["write"]["seconds"]
        )
        print(f"time grows x{grow:.0f} for x{n1 // n0} stations")
    n, last = rows[-1]
    p = last["plan"]
    ok = p["seconds"] < 30 and p["peak_mb"] < 500
    print(
        f"{n:,} stations, planning only: {p['seconds']:.1f} s ({p['cpu_s']:.1f} s CPU), "
        f"peak {p['peak_mb']:.0f} MB (goal: under 30 s and 500 MB) -> {'OK' if ok else 'MISSED'}"
    )
    total = last["plan"]["seconds"] + last["write"]["seconds"]
    peak = max(last["plan"]["peak_mb"], last["write"]["peak_mb"])
    print(
        f"{n:,} stations: {total:.1f} s together, peak {peak:.0f} MB "
        f"(goal: under 30 s and 500 MB) -> {'OK' if total < 30 and peak < 500 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
