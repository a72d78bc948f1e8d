"""A year of the as-run log: planned-against-aired, the damage check build runs, recovery.

Run:  python bench/bench_report.py [--days 365]

Uses the shipped project (its campaign stretched over the whole year, so every day has
bulletins on every station) and a synthetic log: each station's running order is logged
every day and 9 of every 10 bulletins aired. Prints:
- ``compare`` (report section 5): plan every day through ``plan_day`` and match the log;
- ``damage`` (``PRAGMA quick_check``, which ``build`` runs before it writes the log);
- ``recover`` of the same log with a schema page and an interior page overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path

from broadcast.project.loader import load_project
from broadcast.report.asrun import AsRunLog, damage
from broadcast.report.compliance import TZ, compare
from broadcast.report.recover import recover
from broadcast.schedule.planner import plan_day

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=365)
    days = ap.parse_args().days
    project = load_project(ROOT)
    start = dt.date(2026, 1, 1)
    end = start + dt.timedelta(days=days - 1)
    campaigns = [
        c.model_copy(update={"start": start, "end": end}) for c in project.schedule.campaigns
    ]
    schedule = project.schedule.model_copy(update={"campaigns": campaigns})
    scripts = {
        k: s.model_copy(
            update={"meta": s.meta.model_copy(update={"valid_from": None, "valid_until": None})}
        )
        for k, s in project.scripts.items()
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "asrun.sqlite"
        log = AsRunLog(path)
        t = time.perf_counter()
        n_planned = n_plays = 0
        for k in range(days):
            day = start + dt.timedelta(days=k)
            plan = plan_day(schedule, scripts, day)
            for sid, sessions in plan.sessions.items():
                items = []
                for sess in sessions:
                    at = dt.datetime.combine(day, sess.start, tzinfo=TZ)
                    for it in sess.items:
                        items.append(
                            {
                                "start": at.isoformat(),
                                "end": (at + dt.timedelta(seconds=95)).isoformat(),
                                "slot": f"{sess.start:%H:%M}",
                                "duration_s": 95.0,
                                "script": it.script_id,
                                "source": it.source,
                                "directive": it.directive,
                            }
                        )
                        at += dt.timedelta(seconds=98)
                log.record_planned(day, sid, items)
                rows = [
                    {
                        "station_id": sid,
                        "day": day,
                        "slot": it["slot"],
                        "script_id": it["script"],
                        "source": it["source"],
                        "directive": it["directive"],
                        "file": "",
                        "title": "",
                        "start": dt.datetime.fromisoformat(it["start"]),
                        "end": dt.datetime.fromisoformat(it["end"]),
                        "result": "played",
                    }
                    for n, it in enumerate(items, start=n_planned)
                    if n % 10 != 9
                ]
                log.import_plays(rows)
                n_planned += len(items)
                n_plays += len(rows)
        print(
            f"log: {days} days, {len(schedule.stations)} stations, {n_planned} planned rows, "
            f"{n_plays} plays, {path.stat().st_size / 1e6:.1f} MB "
            f"(written in {time.perf_counter() - t:.1f} s)"
        )
        with closing(sqlite3.connect(path)) as con:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        t = time.perf_counter()
        lines = compare(log, schedule, scripts, start, end, dt.datetime(2027, 1, 2, tzinfo=TZ))
        spent = time.perf_counter() - t
        required = sum(ln.required for ln in lines)
        aired = sum(ln.aired for ln in lines)
        print(f"compare (report section 5): {spent:.2f} s; required {required}, aired {aired}")

        t = time.perf_counter()
        assert damage(path) is None
        print(f"damage check (quick_check, every build): {(time.perf_counter() - t) * 1000:.0f} ms")

        with closing(sqlite3.connect(path)) as con:
            interior = con.execute(
                "SELECT pageno FROM dbstat WHERE name='plays' AND pagetype='internal'"
            ).fetchone()[0]
        with open(path, "r+b") as fh:
            for page in (1, interior):
                fh.seek((page - 1) * 4096)
                fh.write(os.urandom(4096))
        t = time.perf_counter()
        found, how = recover(path)
        spent = time.perf_counter() - t
        got = len(found["planned"]) + len(found["plays"])
        print(
            f"recover (schema + plays interior page overwritten): {spent:.2f} s, "
            f"{got} rows of {n_planned + n_plays} ({how}); SQLite alone reads none of them"
        )


if __name__ == "__main__":
    main()
