"""``broadcast report`` says who approved which script version, and whether it aired.

The approvals are made with the real approval API (``Approvals.record``, the call the
console's approve button makes) at frozen times, and plays go into the as-run log through
``AsRunLog.record_play`` (the daemon's call); the report is then run through the CLI.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import time_machine
from click.testing import CliRunner
from docx import Document

from broadcast.cli import cli
from broadcast.project.approval import BASELINE_BY, Approvals, console_db, file_hash
from broadcast.report.approvals import INFERRED
from broadcast.report.asrun import AsRunLog, asrun_path

from .conftest import at, planned_item

NOI, OTP = "noi-trinh-bao", "khong-cung-cap-otp"
CV = "Công văn số 1/UBND ngày 01/11/2026"
DAY1, DAY2, DAY3 = dt.date(2026, 11, 19), dt.date(2026, 11, 20), dt.date(2026, 11, 21)


def require_approval(root: Path) -> None:
    st = root / "schedules" / "stations.yaml"
    st.write_text("approval: required\n" + st.read_text(encoding="utf-8"), encoding="utf-8")


def play(root: Path, day: dt.date, script: str, version: str = "") -> None:
    """One bulletin planned and aired at 06:00; ``version`` "": as old logs have it."""
    log = AsRunLog(asrun_path(root / "out"))
    item = planned_item(day, "06:00", script, "camp", CV, 60)
    if version:
        item["version"] = version
    log.record_planned(day, "fm-thu", [item])
    start = dt.datetime.fromisoformat(item["start"])
    log.record_play(
        station_id="fm-thu",
        day=day,
        slot="06:00",
        script_id=script,
        source="camp",
        directive=CV,
        file=item["file"],
        title=item["title"],
        start=start,
        end=start + dt.timedelta(seconds=60),
        result="played",
        version=version,
        file_sha1="ab" * 20 if version else "",
    )


def report(root: Path, *extra: str) -> str:
    res = CliRunner().invoke(
        cli,
        ["report", "--from", DAY1.isoformat(), "--to", DAY3.isoformat()]
        + ["--root", str(root), "--out", str(root / "out"), *extra],
    )
    assert res.exit_code == 0, res.output
    return res.output


def docx_rows(path: Path) -> tuple[str, list[list[str]]]:
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    return text, [[c.text for c in row.cells] for row in doc.tables[-1].rows]


def edit(path: Path) -> str:
    path.write_text(path.read_text(encoding="utf-8") + "\nXin cảm ơn.\n", encoding="utf-8")
    return file_hash(path)


def baseline(root: Path) -> None:
    """The silent baseline books written before issue 18 hold (the first load recorded
    every script on disk): such books still load and report as before."""
    scripts = sorted((root / "scripts").glob("*.md"))
    Approvals(console_db(root)).record_baseline({p.stem: file_hash(p) for p in scripts})


def approved_project(root: Path) -> str:
    """Approval turned on 18/11 (baseline), noi-trinh-bao edited and approved 20/11 08:00;
    it aired 19/11 (the baseline version) and 21/11 (the new one), otp aired 21/11."""
    require_approval(root)
    with time_machine.travel(at(dt.date(2026, 11, 18), "09:00"), tick=False):
        baseline(root)
    version = edit(root / "scripts" / f"{NOI}.md")
    with time_machine.travel(at(DAY2, "08:00"), tick=False):
        Approvals(console_db(root)).record(NOI, version, "chu-tich")
    play(root, DAY1, NOI)
    play(root, DAY3, NOI)
    play(root, DAY3, OTP)
    return version


def test_the_report_names_who_approved_which_version_and_what_aired(small_root, tmp_path):
    """An old log (plays name no version): inferred from times, as before, and said so."""
    version = approved_project(small_root)
    md = report(small_root)
    assert "## Phụ lục. Kịch bản được duyệt" in md
    rows = [line for line in md.splitlines() if line.startswith(f"| {NOI} |")]
    assert rows == [
        f"| {NOI} | Gặp lừa đảo, báo ở đâu | {version[:10]} | chu-tich | "
        "2026-11-20T08:00:00+07:00 | 2 | không (1/2 lượt phát trước khi duyệt bản này; "
        f"{INFERRED}) |"
    ]
    otp = next(line for line in md.splitlines() if line.startswith(f"| {OTP} |"))
    otp_version = file_hash(small_root / "scripts" / f"{OTP}.md")
    assert f"| {otp_version[:10]} | {BASELINE_BY} |" in otp
    assert otp.endswith(f"| 1 | có ({INFERRED}) |")

    target = tmp_path / "bao-cao.docx"
    report(small_root, "-o", str(target))
    text, table = docx_rows(target)
    assert "PHỤ LỤC" in text
    assert table[0][:3] == ["Mã kịch bản", "Tiêu đề", "Phiên bản"]
    by_id = {r[0]: r for r in table[1:]}
    assert set(by_id) == {NOI, OTP}
    assert by_id[NOI][2:6] == [version[:10], "chu-tich", "2026-11-20T08:00:00+07:00", "2"]
    assert by_id[OTP][3] == BASELINE_BY and by_id[OTP][6] == f"có ({INFERRED})"

    html = report(small_root, "-f", "html")
    assert "Phụ lục. Kịch bản được duyệt" in html and version[:10] in html
    # csv: its own block of rows, under its own header, with the full version hash
    block = report(small_root, "-f", "csv").split("\n\n", 1)[1]
    rows_csv = list(csv.DictReader(io.StringIO(block)))
    assert {r["kich_ban"]: r["phien_ban"] for r in rows_csv} == {NOI: version, OTP: otp_version}
    assert {r["nguon_phien_ban"] for r in rows_csv} == {"suy_ra"}


def test_plays_that_name_their_version_are_reported_per_version_aired(small_root):
    """The log names the version each play aired: 19/11 aired the version approved when
    approval was turned on, 21/11 the one approved 20/11 — both approved, one row each
    (times alone said "1/2 aired before approval")."""
    require_approval(small_root)
    old = file_hash(small_root / "scripts" / f"{NOI}.md")
    otp_version = file_hash(small_root / "scripts" / f"{OTP}.md")
    with time_machine.travel(at(dt.date(2026, 11, 18), "09:00"), tick=False):
        baseline(small_root)
    new = edit(small_root / "scripts" / f"{NOI}.md")
    with time_machine.travel(at(DAY2, "08:00"), tick=False):
        Approvals(console_db(small_root)).record(NOI, new, "chu-tich")
    play(small_root, DAY1, NOI, old)
    play(small_root, DAY3, NOI, new)
    play(small_root, DAY3, OTP, otp_version)
    md = report(small_root)
    rows = [line for line in md.splitlines() if line.startswith(f"| {NOI} |")]
    assert rows == [
        f"| {NOI} | Bản tin {NOI} | {old[:10]} | {BASELINE_BY} | {rows[0].split(' | ')[4]} "
        "| 1 | có |",
        f"| {NOI} | Bản tin {NOI} | {new[:10]} | chu-tich | 2026-11-20T08:00:00+07:00 | 1 | có |",
    ]
    assert INFERRED not in md
    block = report(small_root, "-f", "csv").split("\n\n", 1)[1]
    rows_csv = list(csv.DictReader(io.StringIO(block)))
    assert [(r["kich_ban"], r["phien_ban"], r["nguon_phien_ban"]) for r in rows_csv] == [
        (OTP, otp_version, "nhat_ky"),
        (NOI, old, "nhat_ky"),
        (NOI, new, "nhat_ky"),
    ]
    assert {r["sha1_tep_phat"] for r in rows_csv} == {"ab" * 20}


def test_a_play_without_a_version_takes_its_planned_version(small_root):
    """A play recorded without a version (imported, an old player) of a planned item that
    names one: the planned version is what aired; not aired approved if it was a draft."""
    path = small_root / "scripts" / f"{NOI}.md"
    approved = file_hash(path)
    with time_machine.travel(at(DAY1, "08:00"), tick=False):
        Approvals(console_db(small_root)).record(NOI, approved, "chu-tich")
    draft = edit(path)
    log = AsRunLog(asrun_path(small_root / "out"))
    item = planned_item(DAY2, "06:00", NOI, "camp", CV, 60)
    log.record_planned(DAY2, "fm-thu", [{**item, "version": draft}])
    log.confirm_day(DAY2, "fm-thu")  # copies the planned version; a bare play next
    item3 = planned_item(DAY3, "06:00", NOI, "camp", CV, 60)
    log.record_planned(DAY3, "fm-thu", [{**item3, "version": approved}])
    start = dt.datetime.fromisoformat(item3["start"])
    log.record_play(station_id="fm-thu", day=DAY3, slot="06:00", script_id=NOI, source="camp",
                    directive=CV, file=item3["file"], title=item3["title"], start=start,
                    end=start + dt.timedelta(seconds=60), result="played")  # fmt: skip
    rows = [line for line in report(small_root).splitlines() if line.startswith(f"| {NOI} |")]
    assert rows == [
        f"| {NOI} | Bản tin {NOI} | {draft[:10]} | (chưa duyệt) | — | 1 | "
        "không (1 lượt phát bản chưa được duyệt) |",
        f"| {NOI} | Bản tin {NOI} | {approved[:10]} | chu-tich | 2026-11-19T08:00:00+07:00 | 1 "
        "| có |",
    ]


def test_a_script_approved_in_the_period_but_not_aired_is_listed(small_root):
    require_approval(small_root)
    baseline(small_root)
    version = edit(small_root / "scripts" / f"{OTP}.md")
    with time_machine.travel(at(DAY2, "15:30"), tick=False):
        Approvals(console_db(small_root)).record(OTP, version, "pho-chu-tich")
    AsRunLog(asrun_path(small_root / "out"))  # nothing aired
    md = report(small_root)
    (row,) = [line for line in md.splitlines() if line.startswith("| khong")]
    assert f"| {version[:10]} | pho-chu-tich | 2026-11-20T15:30:00+07:00 | 0 | chưa phát |" in row


def test_without_the_setting_a_file_edited_after_its_approval_did_not_air_approved(
    small_root,
):
    """Approval off but the console was used: drafts air, and the report says so (an old
    log: inferred from the file's time, labelled)."""
    path = small_root / "scripts" / f"{NOI}.md"
    with time_machine.travel(at(DAY1, "08:00"), tick=False):
        Approvals(console_db(small_root)).record(NOI, file_hash(path), "chu-tich")
    edit(path)
    edited = at(DAY2, "12:00").timestamp()
    os.utime(path, (edited, edited))
    play(small_root, DAY2, NOI)  # 06:00, before the edit: the approved version
    play(small_root, DAY3, NOI)  # after the edit: a draft aired
    md = report(small_root)
    (row,) = [line for line in md.splitlines() if line.startswith(f"| {NOI} |")]
    assert row.endswith(
        f"| 2 | không (1/2 lượt phát sau khi sửa tệp, bản chưa duyệt; {INFERRED}) |"
    )


def test_a_project_without_approval_gets_the_report_it_always_had(small_root, tmp_path):
    play(small_root, DAY2, NOI)
    md = report(small_root)
    assert "## 1. Theo công văn" in md and "Phụ lục" not in md and "duyệt" not in md
    rows = list(csv.reader(io.StringIO(report(small_root, "-f", "csv"))))
    assert rows[0][0] == "nhom" and [r[0] for r in rows].count("nhom") == 1
    assert all(r and r[0] != "duyet" for r in rows)  # no blank line, no approvals block
    assert "Phụ lục" not in report(small_root, "-f", "html")
    target = tmp_path / "bao-cao.docx"
    report(small_root, "-o", str(target))
    doc = Document(str(target))
    assert "PHỤ LỤC" not in "\n".join(p.text for p in doc.paragraphs)
    assert not console_db(small_root).exists()  # reading the report made no approvals book


def test_approval_begun_after_a_closed_period_adds_no_appendix_to_its_report(small_root):
    """The report of 19–21/11 (closed) had no appendix: turning approval on and approving
    scripts afterwards leaves it as it was; a period with an approval in it has one."""
    play(small_root, DAY2, NOI)
    before = report(small_root)
    assert "Phụ lục" not in before
    require_approval(small_root)
    path = small_root / "scripts" / f"{NOI}.md"
    with time_machine.travel(at(dt.date(2026, 11, 25), "08:00"), tick=False):
        Approvals(console_db(small_root)).record(NOI, file_hash(path), "chu-tich")
    assert report(small_root) == before
    with time_machine.travel(at(dt.date(2026, 11, 26), "08:00"), tick=False):
        later = CliRunner().invoke(
            cli, ["report", "--from", "2026-11-25", "--to", "2026-11-25", "--root",
                  str(small_root), "--out", str(small_root / "out")],
        )  # fmt: skip
    assert later.exit_code == 0 and "Phụ lục" in later.output
