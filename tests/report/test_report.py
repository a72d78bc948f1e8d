"""The directive report over a simulated half year, with totals checked by hand.

The plays go through ``AsRunLog.record_play``, the call the playout daemon makes.

Period 01/01/2026 - 30/06/2026: 181 days (31+28+31+30+31+30), 26 Mondays.
- Campaign A (CV-A), stations fm and loa, every day: script a1 at 06:00 and a2 at 17:00,
  120 s each. Planned 181 x 2 x 2 = 724.
  fm: nothing aired on 10/03 (missed), a2 failed on 15/04: aired 362 - 2 - 1 = 359,
      morning 180, 359 x 120 s = 718 min.
  loa: nothing in June (30 days missed): aired (181 - 30) x 2 = 302, morning 151, 604 min.
- Campaign B (CV-B), fm only, Mondays 07:00, script b1 planned 90 s, aired 95 s each:
  planned 26, aired 26, 26 x 95 s = 2470 s = 41.2 min.
Plays on 31/12/2025 and 01/07/2026 lie outside the period and must not count.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document

from broadcast.report.asrun import AsRunLog
from broadcast.report.docx import write_docx
from broadcast.report.report import build_report, to_csv, to_html, to_markdown

from .conftest import planned_item

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
CV_A = "Công văn số 3316/UBND-VHTT ngày 22/11/2024 của UBND huyện Phú Bình"
CV_B = "Công văn số 818/STTTT-TTBCVT ngày 11/04/2024 của Sở TT&TT Long An"
FM_MISSED, FM_FAILED = dt.date(2026, 3, 10), dt.date(2026, 4, 15)


def _play(
    log: AsRunLog, station: str, day: dt.date, item: dict, seconds: float, result: str = "played"
) -> None:
    start = dt.datetime.fromisoformat(item["start"])
    log.record_play(
        station_id=station,
        day=day,
        slot=item["slot"],
        script_id=item["script"],
        source=item["source"],
        directive=item["directive"],
        file=item["file"],
        title=item["title"],
        start=start,
        end=start + dt.timedelta(seconds=seconds),
        result=result,
    )


def simulate(log: AsRunLog) -> None:
    day = START
    while day <= END:
        a = [
            planned_item(day, "06:00", "a1", "camp-a", CV_A, 120),
            planned_item(day, "17:00", "a2", "camp-a", CV_A, 120),
        ]
        b = [planned_item(day, "07:00", "b1", "camp-b", CV_B, 90)] if day.weekday() == 0 else []
        log.record_planned(day, "fm", sorted(a + b, key=lambda i: i["start"]))
        log.record_planned(day, "loa", a)
        if day != FM_MISSED:
            _play(log, "fm", day, a[0], 120)
            _play(
                log,
                "fm",
                day,
                a[1],
                120 if day != FM_FAILED else 3,
                "played" if day != FM_FAILED else "failed",
            )
        for item in b:
            _play(log, "fm", day, item, 95)
        if day.month != 6:
            for item in a:
                _play(log, "loa", day, item, 120)
        day += dt.timedelta(days=1)
    for outside in (dt.date(2025, 12, 31), dt.date(2026, 7, 1)):
        item = planned_item(outside, "06:00", "a1", "camp-a", CV_A, 120)
        log.record_planned(outside, "fm", [item])
        _play(log, "fm", outside, item, 120)


@pytest.fixture(scope="module")
def half_year(tmp_path_factory: pytest.TempPathFactory) -> AsRunLog:
    log = AsRunLog(tmp_path_factory.mktemp("halfyear") / "asrun.sqlite")
    simulate(log)
    return log


def _row(line) -> tuple:  # type: ignore[no-untyped-def]
    return (
        line.planned,
        line.aired,
        line.not_aired,
        line.minutes,
        line.morning,
        len(line.scripts),
        line.required_days,
        len(line.missed),
    )


def test_half_year_totals_by_hand(half_year: AsRunLog) -> None:
    rep = build_report(half_year, START, END, "Xã Thử", {"fm": "Đài xã", "loa": "Loa xóm"})
    by_dir = {ln.directive: ln for ln in rep.by_directive}
    by_st = {ln.station: ln for ln in rep.by_station}
    #                              plan aired fail minutes morning scripts days missed
    assert _row(by_dir[CV_A]) == (724, 661, 1, 1322.0, 331, 2, 181, 31)
    assert _row(by_dir[CV_B]) == (26, 26, 0, 41.2, 26, 1, 26, 0)
    assert _row(by_st["fm"]) == (388, 385, 1, 759.2, 206, 3, 181, 1)
    assert _row(by_st["loa"]) == (362, 302, 0, 604.0, 151, 2, 181, 30)
    assert _row(rep.total) == (750, 687, 1, 1363.2, 357, 3, 181, 31)
    assert round(rep.total.morning_share, 4) == round(357 / 687, 4)
    assert by_st["loa"].morning_share == 0.5
    detail = {(ln.source, ln.station): ln for ln in rep.detail}
    assert set(detail) == {("camp-a", "fm"), ("camp-a", "loa"), ("camp-b", "fm")}
    assert detail["camp-a", "fm"].missed == [("fm", FM_MISSED)]
    assert detail["camp-a", "loa"].missed[0] == ("loa", dt.date(2026, 6, 1))
    assert detail["camp-a", "loa"].missed[-1] == ("loa", dt.date(2026, 6, 30))


def test_sub_period_only_counts_its_days(half_year: AsRunLog) -> None:
    rep = build_report(half_year, dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    by_st = {ln.station: ln for ln in rep.by_station}
    # June: 30 days, 5 Mondays; loa aired nothing.
    assert _row(by_st["loa"]) == (60, 0, 0, 0.0, 0, 0, 30, 30)
    assert _row(by_st["fm"]) == (65, 65, 0, 127.9, 35, 3, 30, 0)  # 60x120 + 5x95 = 7675 s


def test_markdown_and_csv_carry_the_figures(half_year: AsRunLog) -> None:
    rep = build_report(half_year, START, END, "Xã Thử", {"fm": "Đài xã", "loa": "Loa xóm"})
    md = to_markdown(rep)
    assert "Từ ngày 01/01/2026 đến ngày 30/06/2026 — Xã Thử." in md
    assert f"| {CV_A} | camp-a | 724 | 661 | 1 | 1322,0 | 50% | 2 | 181 | 31 |" in md
    assert "| Loa xóm (loa) | 362 | 302 | 0 | 604,0 | 50% | 2 | 181 | 30 |" in md
    assert "| Tổng cộng |  | 750 | 687 | 1 | 1363,2 | 52% | 3 | 181 | 31 |" in md
    assert "- Đài xã (fm) — camp-a: 10/03" in md
    rows = list(csv.DictReader(io.StringIO(to_csv(rep))))
    total = next(r for r in rows if r["nhom"] == "tong")
    assert (total["ke_hoach"], total["da_phat"], total["so_phut"]) == ("750", "687", "1363.2")
    fm_a = next(
        r
        for r in rows
        if r["nhom"] == "chi_tiet" and r["dai"] == "fm" and r["chien_dich"] == "camp-a"
    )
    assert fm_a["cac_ngay_bo_sot"] == "fm:2026-03-10"
    html = to_html(rep)
    assert html.startswith("<!DOCTYPE html>") and "1363,2" in html


def test_docx_is_an_administrative_report(half_year: AsRunLog, tmp_path: Path) -> None:
    rep = build_report(half_year, START, END, "Xã Thử", {"fm": "Đài xã", "loa": "Loa xóm"})
    target = tmp_path / "bao-cao.docx"
    write_docx(rep, target, today=dt.date(2026, 7, 2))
    doc = Document(str(target))
    head = doc.tables[0].rows[0].cells
    assert "UBND XÃ THỬ" in head[0].text and "Số: …/BC-UBND" in head[0].text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in head[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in head[1].text
    assert "Thử, ngày 02 tháng 07 năm 2026" in head[1].text
    text = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in text
    for heading in (
        "I. TÌNH HÌNH TRIỂN KHAI",
        "II. KẾT QUẢ THỰC HIỆN",
        "III. TỒN TẠI, HẠN CHẾ",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in text
    table = [[c.text for c in r.cells] for r in doc.tables[1].rows]
    assert table[0][:4] == ["Công văn", "Chiến dịch", "Kế hoạch", "Đã phát"]
    assert table[1] == [CV_A, "camp-a", "724", "661", "1", "1322,0", "50%", "2", "181", "31"]
    assert table[2] == [CV_B, "camp-b", "26", "26", "0", "41,2", "100%", "1", "26", "0"]
    assert table[3] == ["Tổng cộng", "", "750", "687", "1", "1363,2", "52%", "3", "181", "31"]
    stations = [[c.text for c in r.cells] for r in doc.tables[2].rows]
    assert stations[1][:3] == ["Đài xã (fm)", "388", "385"]
    sign = doc.tables[-1].rows[0].cells
    assert "Nơi nhận:" in sign[0].text and "CHỦ TỊCH" in sign[1].text


def test_empty_period_is_zero_not_an_error(log: AsRunLog) -> None:
    rep = build_report(log, START, END)
    assert _row(rep.total) == (0, 0, 0, 0.0, 0, 0, 0, 0)
    assert "- Không có." in to_markdown(rep)


def test_a_row_with_an_empty_directive_is_not_a_total(log: AsRunLog) -> None:
    day = dt.date(2026, 2, 2)
    log.record_planned(day, "fm", [planned_item(day, "06:00", "x", "", "", 60)])
    rep = build_report(log, day, day)
    assert [(ln.planned, ln.station) for ln in rep.by_station] == [(1, "fm")]
    assert [ln.planned for ln in rep.detail] == [1]
    assert rep.total.planned == 1


def test_cli_report_to_an_unknown_format_says_which_to_use(log: AsRunLog, tmp_path: Path) -> None:
    """'-o bao-cao.pdf' used to write Markdown under a .pdf name."""
    from click.testing import CliRunner

    from broadcast.cli import cli
    from broadcast.errors import InputError

    out = Path(log.path).parent
    target = tmp_path / "bao-cao.pdf"
    args = ["report", "--from", "2026-01-01", "--to", "2026-06-30", "--out", str(out)]
    r = CliRunner().invoke(cli, [*args, "--root", str(tmp_path), "-o", str(target)])
    assert isinstance(r.exception, InputError) and r.exception.exit_code == 2
    assert ".docx" in r.exception.message and not target.exists()
    r = CliRunner().invoke(cli, [*args, "--root", str(tmp_path), "-o", str(tmp_path / "b.html")])
    assert r.exit_code == 0 and (tmp_path / "b.html").read_text("utf-8").startswith("<!")


def test_a_report_over_a_century_is_refused_at_once(log: AsRunLog, tmp_path: Path) -> None:
    """Issue 23: '--to 2099-12-31' (a slip for 2026) planned 36,525 days for section 6
    and had not finished after 10 minutes; three years still make a report."""
    from click.testing import CliRunner

    from broadcast.cli import cli
    from broadcast.errors import InputError

    out = Path(log.path).parent
    args = ["report", "--from", "2000-01-01", "--to", "2099-12-31", "--out", str(out)]
    r = CliRunner().invoke(cli, [*args, "--root", str(tmp_path)])
    assert isinstance(r.exception, InputError) and r.exception.exit_code == 2
    assert "36.525 ngày" in r.exception.message and "từng năm" in r.exception.message
    args = ["report", "--from", "2024-01-01", "--to", "2026-12-31", "--out", str(out)]
    r = CliRunner().invoke(cli, [*args, "--root", str(tmp_path)])
    assert r.exit_code == 0, r.output
