"""Yesterday's files through today's report: a period built by an older version (running
orders of schema 1, without ``commune``, ``size``, ``sha256``, ``version``, ``sessions`` or
``notes``, and an as-run log of schema 1) still gives the same figures in every format, and
the report says where it took the commune's name from."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import docx
import time_machine

from broadcast.report.asrun import MIGRATIONS, asrun_path
from tests.cli.test_officer_traps import bc

from .history import add_district_campaign, at, build, confirm, report

D = [dt.date(2026, 11, 25 + n) for n in range(2)]
AFTER = at(dt.date(2026, 11, 30), 9)
#: the keys a running order item had before schema 2 (README, "Lịch phát")
SCHEMA_1_ITEM = ("start", "slot", "end", "duration_s", "file", "title", "script", "source",
                 "priority", "directive", "engine", "kind")  # fmt: skip
FALLBACK = "Tên xã in ở đầu báo cáo lấy theo schedules/stations.yaml hôm nay"


def _as_schema_1(out: Path) -> int:
    """Rewrite every running order as the first version wrote it; returns how many."""
    n = 0
    for path in sorted((out / "playlists").rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        old = {
            "date": doc["date"],
            "station": doc["station"],
            "timezone": doc["timezone"],
            "items": [{k: item[k] for k in SCHEMA_1_ITEM} for item in doc["items"]],
        }
        path.write_text(json.dumps(old, ensure_ascii=False, indent=1), encoding="utf-8")
        n += 1
    return n


def _log_as_schema_1(out: Path) -> None:
    """Replace the as-run log by one of schema 1 holding the same planned rows and plays."""
    path = asrun_path(out)
    with closing(sqlite3.connect(path)) as con:
        tables = {}
        for table in ("planned", "plays"):
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            rows = [dict(zip(cols, r, strict=True)) for r in con.execute(f"SELECT * FROM {table}")]
            tables[table] = rows
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as con:
        for statement in MIGRATIONS[0].split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute("PRAGMA user_version = 1")
        for table, rows in tables.items():
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
            for row in rows:
                con.execute(
                    f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [row[c] for c in cols],
                )
        con.commit()


def _figures(md: str) -> list[str]:
    """The report's table rows (station and directive lines with their numbers)."""
    return [ln for ln in md.splitlines() if ln.startswith("|") and re.search(r"\d", ln)]


def test_a_period_built_by_an_older_version_reports_the_same(small_root: Path) -> None:
    build(small_root, at(dt.date(2026, 11, 24), 20), D[0], 2)
    for day in D:
        confirm(small_root, at(day, 21), day, "fm-thu")
    out = small_root / "audio_out"
    today = {fmt: report(small_root, AFTER, D[0], D[1], fmt) for fmt in ("md", "csv")}
    assert FALLBACK not in today["md"]  # files of today carry the commune's name

    assert _as_schema_1(out) == 4  # 2 days x 2 stations
    _log_as_schema_1(out)
    old_md = report(small_root, AFTER, D[0], D[1])
    old_csv = report(small_root, AFTER, D[0], D[1], "csv")
    assert _figures(old_md) == _figures(today["md"]) and _figures(old_md)
    assert old_csv == today["csv"]
    assert FALLBACK in " ".join(old_md.split())
    target = small_root / "bao-cao.docx"
    with time_machine.travel(AFTER, tick=False):
        run = bc("report", "--root", str(small_root), "--from", D[0].isoformat(),
                 "--to", D[1].isoformat(), "-o", str(target))  # fmt: skip
    assert run.code == 0, run.text
    words = " ".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "xã Thử" in words and FALLBACK in " ".join(words.split())
    # the commune renamed today: the heading follows, and the note says why
    st = small_root / "schedules" / "stations.yaml"
    text = st.read_text(encoding="utf-8")
    commune = re.search(r"^commune:\s*(.+)$", text, re.M)
    assert commune, text
    st.write_text(text.replace(commune.group(1).strip(), "Phường Mới"), encoding="utf-8")
    renamed = report(small_root, AFTER, D[0], D[1])
    assert "Phường Mới" in renamed and FALLBACK in " ".join(renamed.split())
    assert _figures(renamed) == _figures(today["md"])


def test_a_shared_airing_names_every_campaign_it_meets(small_root: Path) -> None:
    """One airing that meets two campaigns' requests (planner rule 8) names the other in its
    running order (``also``) and the report says so under the tables; yesterday's files
    (without ``also``) still load and add no such note."""
    add_district_campaign(small_root, "05:30", "17:00")
    build(small_root, at(dt.date(2026, 11, 24), 20), D[0], 1)
    confirm(small_root, at(D[0], 21), D[0], "fm-thu")
    out = small_root / "audio_out"
    shared = [
        (path.stem, item)
        for path in sorted((out / "playlists").rglob("*.json"))
        for item in json.loads(path.read_text(encoding="utf-8"))["items"]
        if item.get("also")
    ]
    assert shared, "no airing names a second campaign"
    for _station, item in shared:
        assert item["source"] not in item["also"]
        assert {item["source"], *item["also"]} <= {"thu", "huyen"}
    md = " ".join(report(small_root, AFTER, D[0], D[0]).split())
    first, other = shared[0][1]["source"], shared[0][1]["also"][0]
    n_planned = sum(1 for _st, it in shared if it["source"] == first)
    n_aired = sum(1 for st, it in shared if it["source"] == first and st == "fm-thu")
    assert f"{first} cho {other}: {n_planned} lượt theo kế hoạch, {n_aired} lượt đã phát" in md
    _as_schema_1(out)
    assert "cũng đáp ứng" not in report(small_root, AFTER, D[0], D[0])
