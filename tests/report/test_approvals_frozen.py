"""The approvals appendix of a closed period is a record (issue 18): a script edited and
its new version approved afterwards, or left a draft, does not change what the report of
that period says — the log names the version each play aired.

Everything goes through the CLI: ``approve-existing`` when approval is turned on, ``build``
the evening before, ``asrun confirm``, ``report``; the later approval through the same
``Approvals.approve`` call as the console's button.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine

from broadcast.project.approval import Approvals, console_db, file_hash
from broadcast.report.approvals import INFERRED
from tests.cli.test_officer_traps import bc

from .history import at, build, confirm, report

START, END = dt.date(2026, 11, 25), dt.date(2026, 11, 26)
NOI, OTP = "noi-trinh-bao", "khong-cung-cap-otp"


def test_edit_and_approve_after_a_closed_period_leave_its_report_as_it_was(
    small_root: Path,
) -> None:
    st = small_root / "schedules" / "stations.yaml"
    st.write_text("approval: required\n" + st.read_text(encoding="utf-8"), encoding="utf-8")
    with time_machine.travel(at(dt.date(2026, 11, 24), 9), tick=False):
        run = bc("approve-existing", "--root", str(small_root), "--by", "chu-tich", "--yes")
    assert run.code == 0, run.text
    aired = file_hash(small_root / "scripts" / f"{NOI}.md")
    build(small_root, at(dt.date(2026, 11, 24), 20), START, 2)
    for day in (START, END):
        for sid in ("fm-thu", "xom-a"):
            confirm(small_root, at(day, 21), day, sid)
    closed = at(dt.date(2026, 11, 27), 7)
    before = {fmt: report(small_root, closed, START, END, fmt) for fmt in ("md", "csv", "html")}
    (row,) = [r for r in before["md"].splitlines() if r.startswith(f"| {NOI} |")]
    assert row.startswith(f"| {NOI} | Gặp lừa đảo, báo ở đâu | {aired[:10]} | chu-tich |")
    assert row.endswith("| có |") and INFERRED not in before["md"]

    # 27/11: the title and text are rewritten and the new version approved; otp edited
    # and left a draft; the next days are built with the new version
    path = small_root / "scripts" / f"{NOI}.md"
    text = re.sub(r"(?m)^title: .*$", "title: Báo ngay khi gặp lừa đảo", path.read_text("utf-8"))
    path.write_text(text + "\nGọi 113 hoặc đến công an xã.\n", encoding="utf-8")
    with time_machine.travel(at(dt.date(2026, 11, 27), 8), tick=False):
        Approvals(console_db(small_root)).approve(NOI, file_hash(path), "pho-chu-tich")
    otp = small_root / "scripts" / f"{OTP}.md"
    otp.write_text(otp.read_text(encoding="utf-8") + "\nXin nhắc lại.\n", encoding="utf-8")
    build(small_root, at(dt.date(2026, 11, 27), 9), dt.date(2026, 11, 28), 2)

    later = at(dt.date(2026, 11, 30), 7)
    for fmt, text_before in before.items():
        assert report(small_root, later, START, END, fmt) == text_before, fmt
    # the new version is what aired after, and what the report of those days names
    confirm(small_root, at(dt.date(2026, 11, 28), 21), dt.date(2026, 11, 28), "fm-thu")
    after = report(small_root, later, dt.date(2026, 11, 28), dt.date(2026, 11, 28))
    (row,) = [r for r in after.splitlines() if r.startswith(f"| {NOI} |")]
    assert row.startswith(
        f"| {NOI} | Báo ngay khi gặp lừa đảo | {file_hash(path)[:10]} | pho-chu-tich |"
    )
