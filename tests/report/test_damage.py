"""The as-run log survives damage: build goes on, the log is moved aside, repair loses no
row SQLite could read, and a zero-byte log is reported, never read as an empty history."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.report.asrun import AsRunError, AsRunLog, damage, open_for_build
from broadcast.report.recover import recover, scan_pages, sqlite_recover

from .conftest import at, planned_item

CV = "Công văn số 3316/UBND-VHTT ngày 22/11/2024 của UBND huyện Phú Bình"
DAY0 = dt.date(2026, 1, 1)


def _fill(log: AsRunLog, days: int) -> None:
    for n in range(days):
        day = DAY0 + dt.timedelta(days=n)
        items = [
            planned_item(day, slot, f"kb-{k}", "camp", CV, 95.5, offset_s=100 * k)
            for slot in ("06:00", "17:00")
            for k in range(4)
        ]
        rows = []
        for sid in ("fm", "loa-1", "loa-2"):
            log.record_planned(day, sid, items)
            for it in items[:6]:
                start = dt.datetime.fromisoformat(it["start"])
                rows.append(
                    dict(
                        station_id=sid,
                        day=day,
                        slot=it["slot"],
                        script_id=it["script"],
                        source="camp",
                        directive=CV,
                        file=it["file"],
                        title=it["title"] + " có dấu tiếng Việt " * 3,
                        start=start,
                        end=start + dt.timedelta(seconds=95.5),
                        result="played" if n % 7 else "failed",
                    )
                )
        log.import_plays(rows)  # one transaction: the daemon's many small ones, faster


def _checkpoint(path: Path) -> None:
    with closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _all_rows(path: Path) -> dict[str, dict[int, dict]]:
    with closing(sqlite3.connect(path)) as con:
        con.row_factory = sqlite3.Row
        return {
            t: {r["id"]: dict(r) for r in con.execute(f"SELECT * FROM {t}")}
            for t in ("planned", "plays")
        }


def _readable(path: Path, top: dict[str, int]) -> dict[str, dict[int, dict]]:
    """What SQLite itself can still read: each row id looked up alone."""
    out: dict[str, dict[int, dict]] = {"planned": {}, "plays": {}}
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    with closing(con):
        for table in out:
            for rowid in range(1, top[table] + 1):
                try:
                    row = con.execute(f"SELECT * FROM {table} WHERE id = ?", (rowid,)).fetchone()
                except sqlite3.DatabaseError:
                    continue
                if row is not None:
                    out[table][rowid] = dict(row)
    return out


def _clobber(path: Path, pages: list[int], page_size: int = 4096) -> None:
    with open(path, "r+b") as fh:
        for p in pages:
            fh.seek((p - 1) * page_size)
            fh.write(random.Random(p).randbytes(page_size))  # noise, same every run


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("healthy") / "asrun.sqlite"
    _fill(AsRunLog(path), 40)
    _checkpoint(path)
    return path, _all_rows(path)


def _pages_of(path: Path) -> dict[tuple[str, str], list[int]]:
    with closing(sqlite3.connect(path)) as con:
        rows = con.execute("SELECT name, pagetype, pageno FROM dbstat ORDER BY pageno").fetchall()
    out: dict[tuple[str, str], list[int]] = {}
    for name, kind, page in rows:
        out.setdefault((name, kind), []).append(page)
    return out


def _check_recovered(got: dict, original: dict, readable: dict) -> None:
    for table in ("planned", "plays"):
        # nothing SQLite could read is missing, and nothing is invented or altered
        assert readable[table].keys() <= got[table].keys()
        for rowid, row in got[table].items():
            assert row == original[table][rowid]
            if rowid in readable[table]:
                assert row == readable[table][rowid]


@pytest.mark.parametrize("reader", ["scanner", "recover"])
def test_leaves_overwritten_every_row_sqlite_reads_is_recovered(healthy, tmp_path, reader):
    src, original = healthy
    pages = _pages_of(src)
    damaged = tmp_path / "asrun.damaged.sqlite"
    shutil.copyfile(src, damaged)
    planned, plays = pages[("planned", "leaf")], pages[("plays", "leaf")]
    _clobber(damaged, [planned[3], planned[len(planned) // 2], plays[5]])
    top = {t: max(rows) for t, rows in original.items()}
    readable = _readable(damaged, top)
    got = scan_pages(damaged) if reader == "scanner" else recover(damaged)[0]
    _check_recovered(got, original, readable)
    # the schema is whole: SQLite reads every row but those of the three pages, and so do we
    assert 0 < len(original["planned"]) - len(readable["planned"]) <= 2 * 4096 // 100
    assert 0 < len(original["plays"]) - len(readable["plays"]) <= 4096 // 100
    assert {t: set(r) for t, r in got.items()} == {t: set(r) for t, r in readable.items()}


@pytest.mark.parametrize("reader", ["scanner", "recover"])
def test_schema_and_interior_overwritten_rows_still_come_back(healthy, tmp_path, reader):
    src, original = healthy
    pages = _pages_of(src)
    damaged = tmp_path / "asrun.damaged.sqlite"
    shutil.copyfile(src, damaged)
    leaves = pages[("planned", "leaf")]
    # two leaves of planned, the interior page of plays, and the schema page
    _clobber(damaged, [leaves[3], leaves[len(leaves) // 2], pages[("plays", "internal")][0], 1])
    top = {t: max(rows) for t, rows in original.items()}
    readable = _readable(damaged, top)
    assert readable == {"planned": {}, "plays": {}}  # SQLite alone reads nothing now
    got = scan_pages(damaged) if reader == "scanner" else recover(damaged)[0]
    _check_recovered(got, original, readable)
    # page-level reading goes past the broken schema and interior pages: every plays row
    # (all leaves intact) and every planned row outside the two destroyed leaves
    assert got["plays"].keys() == original["plays"].keys()
    lost = len(original["planned"]) - len(got["planned"])
    assert 0 < lost <= 2 * 4096 // 100


def test_sqlite_recover_alone_matches_the_original_where_it_reads(healthy, tmp_path):
    if shutil.which("sqlite3") is None:
        pytest.skip("sqlite3 program not installed: the page reader works alone")
    src, original = healthy
    if sqlite_recover(src) is None:  # Debian's 3.40.1 shell: "SQL logic error" even here
        pytest.skip("this sqlite3 program's .recover fails on a healthy file")
    damaged = tmp_path / "d.sqlite"
    shutil.copyfile(src, damaged)
    _clobber(damaged, [_pages_of(src)[("planned", "leaf")][2]])
    got = sqlite_recover(damaged)
    assert got is not None and got["plays"].keys() == original["plays"].keys()
    for table in got:
        for rowid, row in got[table].items():
            assert row == original[table][rowid]


def test_rows_still_in_the_wal_are_recovered(tmp_path):
    path = tmp_path / "asrun.sqlite"
    log = AsRunLog(path)
    with closing(sqlite3.connect(path)) as con:  # keep what follows in the -wal
        con.execute("SELECT count(*) FROM plays").fetchone()  # not the last one to close
        _fill(log, 3)
        assert Path(f"{path}-wal").stat().st_size > 0
        original = _all_rows(path)
        shutil.copyfile(path, tmp_path / "d.sqlite")
        shutil.copyfile(f"{path}-wal", tmp_path / "d.sqlite-wal")
        shutil.copyfile(path, tmp_path / "main-only.sqlite")
    _clobber(tmp_path / "d.sqlite", [1])
    got = scan_pages(tmp_path / "d.sqlite")
    assert {t: set(r) for t, r in got.items()} == {t: set(r) for t, r in original.items()}
    assert scan_pages(tmp_path / "main-only.sqlite")["plays"] == {}  # they were in the -wal only


def test_zero_byte_log_is_damage_and_report_refuses_it(small_root, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "asrun.sqlite").write_bytes(b"")
    assert "0 byte" in damage(out / "asrun.sqlite")
    r = CliRunner().invoke(
        cli,
        [
            "report",
            "--from",
            "2026-11-25",
            "--to",
            "2026-11-25",
            "--root",
            str(small_root),
            "--out",
            str(out),
        ],
    )
    assert isinstance(r.exception, AsRunError), r.output
    assert "0 byte" in r.exception.message and "asrun repair" in r.exception.message
    # build does not take it as an empty history either: it moves it aside and says so
    log = open_for_build(out / "asrun.sqlite")
    assert log.planned(DAY0, DAY0) == []
    assert [p.name.startswith("asrun.damaged-") for p in out.glob("asrun.damaged-*")] == [True]


@pytest.mark.slow
def test_build_goes_on_with_a_damaged_log_and_repair_brings_the_rows_back(small_root, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    base = ["--root", str(small_root), "--out", str(out)]
    assert runner.invoke(cli, ["build", "--date", "2026-11-25", *base]).exit_code == 0
    log = AsRunLog(out / "asrun.sqlite")
    before = log.planned(dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    log.record_play(
        station_id="xom-a",
        day=dt.date(2026, 11, 25),
        slot="05:30",
        script_id=before[0].script_id,
        source=before[0].source,
        directive=before[0].directive,
        file="",
        title="",
        start=at(dt.date(2026, 11, 25), "05:30"),
        end=at(dt.date(2026, 11, 25), "05:31"),
        result="played",
    )
    _checkpoint(out / "asrun.sqlite")
    _clobber(out / "asrun.sqlite", [1], page_size=4096)

    r = runner.invoke(cli, ["build", "--date", "2026-11-26", *base])
    assert r.exit_code == 0, r.output
    assert (out / "playlists" / "2026-11-26" / "xom-a.m3u8").is_file()
    [aside] = list(out.glob("asrun.damaged-*.sqlite"))
    warning = " ".join(r.output.split())  # the officer's terminal (stderr)
    assert str(aside) in warning and str(out / "asrun.sqlite") in warning
    assert "broadcast asrun repair" in warning
    fresh = AsRunLog(out / "asrun.sqlite")
    assert fresh.planned(dt.date(2026, 11, 25), dt.date(2026, 11, 26))[0].day == dt.date(
        2026, 11, 26
    )

    r = runner.invoke(cli, ["asrun", "repair", *base])
    assert r.exit_code == 0, r.output
    after = fresh.planned(dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    assert [(p.station_id, p.seq, p.script_id, p.start) for p in after] == [
        (p.station_id, p.seq, p.script_id, p.start) for p in before
    ]
    [play] = fresh.plays(dt.date(2026, 11, 25), dt.date(2026, 11, 25))
    assert play.result == "played" and play.duration_s == 60
    again = runner.invoke(cli, ["asrun", "repair", *base])
    assert "0 dòng lịch, 0 lượt phát" in again.output
    assert len(fresh.plays(dt.date(2026, 11, 25), dt.date(2026, 11, 25))) == 1
