"""Who approved which script version, for the report: the one place console and CLI get it.

The commune answers for what its stations say, so the report (``broadcast report`` and the
console's report page and downloads) carries an appendix: for each script that aired or was
approved in the period, the version (content hash) approved, by whom and when, and whether
what aired was that approved version.

The as-run log does not record the file's version, so "what aired" is read from time: a
play aired the approval in force at its start (the latest approval recorded before it).
With ``approval: required`` only approved versions are built, so that is the version that
aired; the baseline (what was on disk when approval was turned on) covers earlier plays.
Without the setting drafts air too: a script file changed after its approval and before a
play (file time) counts as not the approved version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import BroadcastError
from ..project.approval import Approval, Approvals, approval_required, console_db, file_hash
from ..project.scripts import load_script
from ..vocabulary import TIMEZONE
from .asrun import AsRunLog

TITLE = "Kịch bản được duyệt (ai duyệt phiên bản nào, lúc nào)"
HEADER = [
    "Mã kịch bản",
    "Tiêu đề",
    "Phiên bản",
    "Người duyệt",
    "Lúc duyệt",
    "Lượt phát",
    "Bản phát là bản duyệt",
]
CSV_HEADER = [
    "nhom",
    "kich_ban",
    "tieu_de",
    "phien_ban",
    "nguoi_duyet",
    "thoi_gian_duyet",
    "luot_phat",
    "ban_phat_la_ban_duyet",
]
NOTE = (
    "Phiên bản: 10 ký tự đầu mã SHA-256 của tệp kịch bản. Bản phát là bản duyệt: mọi lượt "
    "phát trong kỳ đều phát khi phiên bản này đã được duyệt (nhật ký không ghi phiên bản, "
    "nên suy ra từ thời điểm duyệt, thời điểm phát và thời điểm sửa tệp)."
)


@dataclass(frozen=True)
class ApprovalRow:
    """One script in the approvals appendix."""

    script_id: str
    title: str
    approval: Approval | None  # the latest approval up to the end of the period
    aired: int  # aired plays in the period
    matches: str  # "có", "không (...)" or "chưa phát"

    def cells(self) -> list[str]:
        a = self.approval
        return [
            self.script_id,
            self.title,
            a.short if a else "—",
            a.by if a else "(chưa duyệt)",
            a.at if a else "—",
            str(self.aired),
            self.matches,
        ]


def _when(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(TIMEZONE))


def approvals_between(
    book: Approvals, start: dt.date, end: dt.date, baseline: bool = False
) -> list[Approval]:
    """Approvals recorded in the period (oldest first); the baseline (scripts on disk when
    approval was turned on) only when asked, for the full book."""
    return [
        a
        for a in book.all()
        if a.script_id
        and start.isoformat() <= a.at[:10] <= end.isoformat()
        and (baseline or a.kind == "approved")
    ]


def uses_approval(root: Path) -> bool:
    """``approval: required``, or the console's book holds approvals (never creates it)."""
    if approval_required(root):
        return True
    return console_db(root).is_file() and bool(Approvals(console_db(root)).all())


def approval_rows(
    root: Path,
    log: AsRunLog,
    start: dt.date,
    end: dt.date,
) -> list[ApprovalRow] | None:
    """The appendix rows, or None when the project does not use approval (no section).

    Script files (drafts too) give titles and show whether a file changed after its
    approval; a script no longer on disk keeps the title the log recorded."""
    if not uses_approval(root):
        return None
    scripts = {p.stem: p for p in sorted((Path(root) / "scripts").glob("*.md"))}
    names = {}
    for sid, path in scripts.items():
        try:
            names[sid] = load_script(path).meta.title
        except BroadcastError:  # a broken file: ``check`` reports it; the id still shows
            continue
    book = Approvals(console_db(root))
    required = approval_required(root)
    history: dict[str, list[Approval]] = {}
    for a in book.all():  # oldest first; the baseline stands for all that came before it
        if a.script_id and (a.kind == "baseline" or a.at[:10] <= end.isoformat()):
            history.setdefault(a.script_id, []).append(a)
    plays: dict[str, list[dt.datetime]] = {}
    for p in log.plays(start, end):
        if p.aired:
            plays.setdefault(p.script_id, []).append(p.start)
            names.setdefault(p.script_id, p.title)
    wanted = set(plays) | {a.script_id for a in approvals_between(book, start, end)}
    rows = []
    for sid in sorted(wanted):
        done = history.get(sid, [])
        latest = done[-1] if done else None
        rows.append(
            ApprovalRow(
                sid,
                names.get(sid, ""),
                latest,
                len(plays.get(sid, [])),
                _matches(latest, plays.get(sid, []), scripts.get(sid), required),
            )
        )
    return rows


def _matches(
    latest: Approval | None, starts: list[dt.datetime], path: Path | None, required: bool
) -> str:
    if not starts:
        return "chưa phát"
    if latest is None:
        return f"không ({len(starts)} lượt phát khi chưa duyệt)"
    # the baseline approves what was on disk, and airing, when approval was turned on
    since = None if latest.kind == "baseline" else _when(latest.at)
    before = sum(s < since for s in starts) if since else 0
    if before:
        return f"không ({before}/{len(starts)} lượt phát trước khi duyệt bản này)"
    if not required and path is not None and path.is_file() and file_hash(path) != latest.version:
        edited = dt.datetime.fromtimestamp(path.stat().st_mtime, ZoneInfo(TIMEZONE))
        after = sum(s >= edited for s in starts)
        if after:
            return f"không ({after}/{len(starts)} lượt phát sau khi sửa tệp, bản chưa duyệt)"
    return "có"
