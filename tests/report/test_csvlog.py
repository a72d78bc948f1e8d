"""Importing another player's CSV log, and the asrun / report commands end to end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.errors import InputError, ValidationErrors
from broadcast.report.asrun import AsRunLog
from broadcast.report.csvlog import read_playout_csv

from .conftest import planned_item

DAY = dt.date(2026, 11, 25)
CV = "Công văn số 818/STTTT-TTBCVT ngày 11/04/2024 của Sở TT&TT Long An"


@pytest.fixture
def planned_log(log: AsRunLog) -> AsRunLog:
    log.record_planned(
        DAY,
        "xom-cau",
        [
            planned_item(DAY, "06:00", "a", "camp", CV, 90),
            planned_item(DAY, "17:00", "b", "camp", CV, 60),
        ],
    )
    return log


def write(tmp_path: Path, text: str, name: str = "playout.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_vietnamese_headers_fill_directive_from_plan(planned_log: AsRunLog, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "Ngày;Đài;Bắt đầu;Kết thúc;Kịch bản;Kết quả\n"
        "25/11/2026;xom-cau;06:00:05;06:01:35;a;đã phát\n"
        "25/11/2026;xom-cau;17:00;;b;lỗi\n",
    )
    rows = read_playout_csv(path, planned_log, {"xom-cau"})
    assert planned_log.import_plays(rows) == (2, 0)
    assert planned_log.import_plays(read_playout_csv(path, planned_log)) == (0, 2)
    a, b = planned_log.plays(DAY, DAY)
    assert (a.script_id, a.result, a.duration_s, a.directive, a.source, a.slot) == (
        "a",
        "imported",
        90.0,
        CV,
        "camp",
        "06:00",
    )
    assert (b.result, b.end) == ("failed", None)
    assert a.note == "nhập từ playout.csv dòng 2"


def test_english_headers_and_duration(log: AsRunLog, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "date,station,start,duration_s,script,source,directive\n"
        f'2026-11-25,fm,06:00,2:30,a,camp,"{CV}"\n',
    )
    (row,) = read_playout_csv(path, log)
    assert (row["end"] - row["start"]).total_seconds() == 150
    assert row["directive"] == CV


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (
            "ngay,dai,bat_dau,ket_thuc,kich_ban\n32/11/2026,xom-cau,06:00,06:01,a\n",
            "dòng 2, cột 1 (ngay)",
            "25/11/2026",
        ),
        (
            "ngay,dai,bat_dau,ket_thuc,kich_ban\n25/11/2026,xom-cau,6 rưỡi,06:01,a\n",
            "dòng 2, cột 3 (bat_dau)",
            "06:00",
        ),
        (
            "ngay,dai,bat_dau,ket_thuc,kich_ban\n25/11/2026,xom-xa,06:00,06:01,a\n",
            "dòng 2, cột 2 (dai)",
            "xom-cau",
        ),
        (
            "ngay,dai,bat_dau,ket_thuc,kich_ban\n25/11/2026,xom-cau,06:00,,a\n",
            "dòng 2, cột 4 (ket_thuc)",
            "giờ kết thúc",
        ),
        (
            "ngay,dai,bat_dau,thoi_luong,kich_ban\n25/11/2026,xom-cau,06:00,lâu,a\n",
            "dòng 2, cột 4 (thoi_luong)",
            "2:30",
        ),
        (
            "ngay,dai,bat_dau,ket_thuc,kich_ban,ket_qua\n25/11/2026,xom-cau,06:00,06:01,a,ok?\n",
            "dòng 2, cột 6 (ket_qua)",
            "bo qua",
        ),
        (
            "ngay,dai,bat_dau,ket_thuc,kich_ban\n24/11/2026,xom-cau,06:00,06:01,a\n",
            "dòng 2, cột 5 (kich_ban)",
            "cong_van",
        ),
        ("ngay,dai,gio,kich_ban\n", "dòng 1, cột 3", "bat_dau"),
        ("ngay,dai,kich_ban\n", "dòng 1", "bat_dau"),
    ],
)
def test_bad_cells_name_file_line_column_and_fix(
    planned_log: AsRunLog, tmp_path: Path, text: str, where: str, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValidationErrors) as err:
        read_playout_csv(path, planned_log, {"xom-cau"})
    msg = err.value.message
    assert f"{path}, {where}" in msg
    assert "Cách sửa:" in msg and words in msg


def test_one_bad_row_writes_nothing(planned_log: AsRunLog, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ngay,dai,bat_dau,ket_thuc,kich_ban\n"
        "25/11/2026,xom-cau,06:00,06:01:30,a\n25/11/2026,xom-cau,17:00,xx,b\n",
    )
    with pytest.raises(ValidationErrors):
        read_playout_csv(path, planned_log)
    assert planned_log.plays(DAY, DAY) == []


def test_not_utf8_and_missing_file(log: AsRunLog, tmp_path: Path) -> None:
    path = tmp_path / "cp1258.csv"
    path.write_bytes("ngay,dai\n25/11/2026,x\xf4m\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        read_playout_csv(path, log)
    assert "UTF-8" in err.value.message and "dòng 2" in err.value.message
    with pytest.raises(InputError) as err:
        read_playout_csv(tmp_path / "khong-co.csv", log)
    assert "Không thấy tệp" in err.value.message


def test_cli_import_confirm_report(planned_log: AsRunLog, tmp_path: Path) -> None:
    out = planned_log.path.parent
    bad = write(tmp_path, "ngay,dai,bat_dau,ket_thuc,kich_ban\n25/11/2026,xom-cau,6 rưỡi,,a\n")
    runner = CliRunner()
    res = runner.invoke(
        cli, ["asrun", "import", str(bad), "--root", str(tmp_path), "--out", str(out)]
    )
    assert isinstance(res.exception, ValidationErrors)  # main() turns it into exit code 2
    good = write(
        tmp_path,
        "ngay,dai,bat_dau,ket_thuc,kich_ban\n25/11/2026,xom-cau,06:00,06:01:30,a\n",
        "good.csv",
    )
    res = runner.invoke(
        cli, ["asrun", "import", str(good), "--root", str(tmp_path), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "Đã nhập 1 lượt" in res.output
    res = runner.invoke(
        cli,
        [
            "asrun",
            "confirm",
            "--date",
            "25/11/2026",
            "--station",
            "xom-cau",
            "--root",
            str(tmp_path),
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0 and "đã ghi 1 lượt xác nhận" in res.output
    res = runner.invoke(
        cli,
        [
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--root",
            str(tmp_path),
            "--out",
            str(out),
            "-f",
            "csv",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "tong,,,,2,2,0,2.5," in res.output


def test_main_prints_errors_without_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = write(tmp_path, "ngay,dai,bat_dau,ket_thuc,kich_ban\n25/11/2026,xom-cau,6 rưỡi,,a\n")
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "broadcast",
            "asrun",
            "import",
            str(bad),
            "--root",
            str(tmp_path),
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert f"{bad}, dòng 2, cột 3 (bat_dau)" in res.stderr
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "broadcast",
            "report",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--root",
            str(tmp_path),
            "--out",
            str(tmp_path / "none"),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert res.returncode == 2 and "Chưa có nhật ký phát sóng" in res.stderr


HEAD = "ngay,dai,bat_dau,ket_thuc,kich_ban,ket_qua\n"


def test_a_cell_over_the_csv_limit_is_a_clear_error(log: AsRunLog, tmp_path: Path) -> None:
    """Issue 23: a 300 kB cell stopped the import with 'Lỗi không mong đợi: Error'."""
    row = f'25/11/2026,xom-cau,05:30,05:31,"{"x" * 300_000}",played\n'
    path = write(tmp_path, HEAD + row)
    with pytest.raises(InputError) as err:
        read_playout_csv(path, log)
    assert err.value.where == f"{path}, dòng 2"
    assert "CSV hỏng" in err.value.what and err.value.fix


def test_a_csv_over_the_bound_is_refused_before_it_is_read(
    log: AsRunLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broadcast.report import csvlog

    monkeypatch.setattr(csvlog, "MAX_CSV_BYTES", 10_000)
    path = write(tmp_path, HEAD + "25/11/2026,xom-cau,05:30,05:31,ban-tai-khoan,played\n" * 300)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    with pytest.raises(InputError) as err:
        read_playout_csv(path, log)
    assert "quá giới hạn" in err.value.what and "từng tháng" in (err.value.fix or "")
