"""One source for the report (issue 18): what was planned for a station on a day is read
from the record (the as-run log's planned rows, else the frozen running order), by every
section of the report, by ``asrun show`` and by the console's plan; days never built are
listed apart, with what the schedule asks for.

Project ``small_root``: campaign ``thu`` from 25/11/2026, 05:30 x2 and 17:00, on fm-thu and
xom-a. Built 25–27/11 the evening before; 28/11 never built.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine

from broadcast.cli.plan import RECORDED
from broadcast.report.asrun import AsRunLog, asrun_path
from broadcast.report.record import FROM_FILE, FROM_LOG, planned_for, records
from tests.cli.test_officer_traps import bc

from .history import add_script, at, build, confirm, report

D = [dt.date(2026, 11, 25 + n) for n in range(4)]
AFTER = at(dt.date(2026, 11, 30), 9)


@pytest.fixture
def aired(small_root: Path) -> Path:
    """25–27/11 built; fm-thu confirmed every day, xom-a on 25/11 only; one emergency
    aired on xom-a on 26/11; 28/11 never built."""
    build(small_root, at(dt.date(2026, 11, 24), 20), D[0], 3)
    for day in D[:3]:
        confirm(small_root, at(day, 21), day, "fm-thu")
    confirm(small_root, at(D[0], 21), D[0], "xom-a")
    log = AsRunLog(asrun_path(small_root / "audio_out"))
    start = at(D[1], 10)
    log.record_play(
        station_id="xom-a", day=D[1], slot="10:00", script_id="bao-so-9",
        source="khan-cap-20261126-100000-bao-so-9", directive="Tin khẩn cấp",
        file="x.mp3", title="Bão số 9", start=start, end=start + dt.timedelta(seconds=60),
        result="played",
    )  # fmt: skip
    return small_root


def test_the_record_is_the_log_and_else_the_frozen_file(aired: Path) -> None:
    out = aired / "audio_out"
    log = AsRunLog(asrun_path(out))
    rec = planned_for(log, "fm-thu", D[0])
    assert rec is not None and rec.origin == FROM_LOG and len(rec.items) == 3
    assert planned_for(log, "fm-thu", D[3]) is None  # never built
    # a fresh log (the old one moved aside): the frozen running order is the record
    fresh = AsRunLog(out / "other.sqlite")
    again = planned_for(fresh, "fm-thu", D[0], out)
    assert again is not None and again.origin == FROM_FILE
    assert [(p.start, p.script_id, p.file) for p in again.items] == [
        (p.start, p.script_id, p.file) for p in rec.items
    ]
    assert set(records(fresh, D[0], D[3], out)) == {
        (d, s) for d in D[:3] for s in ("fm-thu", "xom-a")
    }


def test_a_new_script_today_does_not_change_the_report_of_the_past(aired: Path) -> None:
    before_md = report(aired, AFTER, D[0], D[2])
    before_csv = report(aired, AFTER, D[0], D[2], "csv")
    assert "| Đài truyền thanh xã Thử (fm-thu) | thu | 9 | 9 | 0 | 0 | 0 | 100% |" in before_md
    for n in range(3):  # new scripts join the rotation from today
        add_script(aired, f"moi-{n}")
    (aired / "scripts" / "noi-trinh-bao.md").unlink()  # and one that aired is deleted
    after_md = report(aired, AFTER, D[0], D[2])
    assert after_md == before_md
    assert report(aired, AFTER, D[0], D[2], "csv") == before_csv
    # xom-a did miss 26–27/11 (nothing recorded): that stays, and nothing is added
    assert after_md.count("đài không phát (không có ghi nhận): 6") == 2  # xom-a, total


def test_section_5_says_the_station_aired_what_sections_1_and_2_say(aired: Path) -> None:
    for day in D[1:3]:
        confirm(aired, at(day, 21), day, "xom-a")
    add_script(aired, "moi-0")  # today's rotation differs from what was built
    md = report(aired, AFTER, D[0], D[2])
    five = md.split("## 5.")[1].split("## 6.")[0]
    assert "đài không phát" not in five and "Bỏ sót" in five
    assert "| Loa xóm A (xom-a) | thu | 9 | 9 | 0 | 0 | 0 | 100% |  | 0 |" in five


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_section_agrees_with_every_other(aired: Path) -> None:
    """Section 1 (by directive), 2 (by station), 3 (detail), 5 (planned against aired)
    count the same bulletins; section 6 lists the day never built, apart."""
    add_script(aired, "moi-0")
    rows = _csv(report(aired, AFTER, D[0], D[3], "csv"))
    by = {}
    for r in rows:
        by.setdefault(r["nhom"], []).append(r)
    total = by["tong"][0]

    def s(group: str, col: str, **where: str) -> int:
        return sum(
            int(r[col] or 0) for r in by.get(group, []) if all(r[k] == v for k, v in where.items())
        )

    for col in ("ke_hoach", "da_phat", "loi_bo_qua"):
        assert s("cong_van", col) == s("dai", col) == s("chi_tiet", col) == int(total[col])
    plan_total = by["ke_hoach_tong"][0]
    assert int(plan_total["yeu_cau"]) == int(total["ke_hoach"]) == 18  # 3 days x 2 x 3
    for sid in ("fm-thu", "xom-a"):
        station = next(r for r in by["dai"] if r["dai"] == sid)
        assert s("ke_hoach", "yeu_cau", dai=sid) == int(station["ke_hoach"])
        aired_5 = s("ke_hoach", "da_phat", dai=sid) + s("ke_hoach", "phat_them", dai=sid)
        assert aired_5 == int(station["da_phat"])
        # a missed station-day of section 2 is a day with a missed bulletin in section 5
        missed_2 = set(station["cac_ngay_bo_sot"].split())
        missed_5 = {
            d for r in by["ke_hoach"] if r["dai"] == sid for d in r["cac_ngay_bo_sot"].split()
        }
        assert missed_2 <= missed_5
    # and per station and campaign: section 3's detail against section 5's line
    for r in by["ke_hoach"]:
        where = {"dai": r["dai"], "chien_dich": r["chien_dich"]}
        assert int(r["yeu_cau"]) == s("chi_tiet", "ke_hoach", **where), r
        assert int(r["da_phat"]) + int(r["phat_them"]) == s("chi_tiet", "da_phat", **where), r
    assert {(r["dai"], r["chien_dich"]) for r in by["chi_tiet"]} <= {
        (r["dai"], r["chien_dich"]) for r in by["ke_hoach"]
    }
    xa = next(r for r in by["ke_hoach"] if r["dai"] == "xom-a" and r["chien_dich"] == "thu")
    assert (xa["yeu_cau"], xa["da_phat"], xa["bo_sot"]) == ("9", "3", "6")
    assert xa["ly_do_station_off"] == "6"
    # 28/11 was never built: apart, never counted as planned or missed
    assert xa["khong_lam_danh_sach"] == "xom-a:2026-11-28" and xa["ly_do_not_built"] == "3"
    md = report(aired, AFTER, D[0], D[3])
    six = md.split("## 6.")[1].split("Ghi chú")[0]
    assert "Loa xóm A (xom-a) — thu: không làm danh sách phát 28/11 (3 bản tin)" in six
    assert "28/11" not in md.split("## 4.")[1].split("## 5.")[0]


def test_asrun_show_counts_what_was_built(aired: Path) -> None:
    from tests.cli.test_officer_traps import bc

    add_script(aired, "moi-0")
    run = bc("asrun", "show", "--root", str(aired), "--date", D[1].isoformat(),
             "--station", "fm-thu")  # fmt: skip
    assert run.code == 0, run.text
    assert "3 bản tin theo lịch, 3 lượt đã phát" in run.out


def test_yesterdays_folder_a_schema_1_order_and_log_still_report(small_root: Path) -> None:
    """A folder written before 2026-11: a running order without "schema", sessions or notes,
    and a log of schema 1 with plays but no planned rows (moved aside meanwhile): the order
    file is the record."""
    import json
    import sqlite3

    from broadcast.report.asrun import MIGRATIONS

    from .conftest import planned_item

    out = small_root / "audio_out"
    folder = out / "playlists" / D[0].isoformat()
    folder.mkdir(parents=True)
    items = [planned_item(D[0], "05:30", "otp", "thu", "CV 3316", 60, 65 * k) for k in range(2)]
    doc = {"date": D[0].isoformat(), "station": {"id": "xom-a", "name": "Loa xóm A"},
           "items": items}  # fmt: skip
    (folder / "xom-a.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    con = sqlite3.connect(out / "asrun.sqlite")
    for statement in MIGRATIONS[0].split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(
        "INSERT INTO plays (day, station_id, slot, script_id, source, directive, start, end, "
        "duration_s, result, recorded_at) VALUES (?, 'xom-a', '05:30', 'otp', 'thu', "
        "'CV 3316', ?, ?, 60, 'played', ?)",
        (D[0].isoformat(), items[0]["start"], items[0]["end"], items[0]["end"]),
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    rows = _csv(report(small_root, AFTER, D[0], D[0], "csv"))
    station = next(r for r in rows if r["nhom"] == "dai" and r["dai"] == "xom-a")
    assert (station["ke_hoach"], station["da_phat"]) == ("2", "1")
    five = next(r for r in rows if r["nhom"] == "ke_hoach" and r["dai"] == "xom-a")
    assert (five["yeu_cau"], five["da_phat"], five["bo_sot"]) == ("2", "1", "1")
    assert five["ly_do_station_off"] == "1"
    # fm-thu was never built that day: apart, from the schedule
    fm = next(r for r in rows if r["nhom"] == "ke_hoach" and r["dai"] == "fm-thu")
    assert (fm["yeu_cau"], fm["khong_lam_danh_sach"]) == ("0", "fm-thu:2026-11-25")


def test_cli_plan_of_a_built_day_shows_its_record(aired: Path) -> None:
    """``broadcast plan`` over built days and one never built: the built days as they were
    built (new scripts are not in them, said so), the day not built planned as today."""
    log = AsRunLog(asrun_path(aired / "audio_out"))
    built = {d: [p.script_id for p in log.planned(d, d, "fm-thu")] for d in D[:3]}
    for n in range(3):
        add_script(aired, f"moi-{n}")
    with time_machine.travel(AFTER, tick=False):
        run = bc("plan", "--root", str(aired), "--date", D[0].isoformat(), "--days", "4",
                 "--station", "fm-thu")  # fmt: skip
    assert run.code == 0, run.text
    parts = re.split(r"— (\d\d/\d\d/\d{4})", run.out)
    shown = {
        dt.datetime.strptime(d, "%d/%m/%Y").date(): t
        for d, t in zip(parts[1::2], parts[2::2], strict=True)
    }
    assert list(shown) == D
    for day in D[:3]:
        ids = re.findall(r"^│ \d\d:\d\d:\d\d │ (\S+)", shown[day], re.M)
        assert ids == built[day] and RECORDED in " ".join(shown[day].split())
    assert "moi-" in shown[D[3]] and RECORDED not in " ".join(shown[D[3]].split())


def test_a_station_renamed_today_keeps_its_name_in_a_past_report(aired: Path) -> None:
    """The frozen running orders carry the station's name as built: the report of those
    days names it so, whatever stations.yaml says today."""
    before_md = report(aired, AFTER, D[0], D[2])
    before_csv = report(aired, AFTER, D[0], D[2], "csv")
    assert "Đài truyền thanh xã Thử (fm-thu)" in before_md
    st = aired / "schedules" / "stations.yaml"
    text = st.read_text(encoding="utf-8").replace("Đài truyền thanh xã Thử", "Đài xã Thử mới")
    st.write_text(text, encoding="utf-8")
    assert report(aired, AFTER, D[0], D[2]) == before_md
    assert report(aired, AFTER, D[0], D[2], "csv") == before_csv
    # a day built after the rename carries the new name
    build(aired, AFTER, dt.date(2026, 12, 1), 1)
    later = report(aired, AFTER, dt.date(2026, 12, 1), dt.date(2026, 12, 1))
    assert "Đài xã Thử mới (fm-thu)" in later and "Đài truyền thanh xã Thử" not in later
