"""Who approved which script version, for the report: the one place console and CLI get it.

The commune answers for what its stations say, so the report (``broadcast report`` and the
console's report page and downloads) carries an appendix: for each script that aired or was
approved in the period, the version (content hash) that aired, who approved it and when,
and whether what aired was an approved version.

"What aired" is read from the record, never from today's files: a play row names the
version it aired (and the SHA-1 of the file played); a play without one takes the version
of its planned row, or of the frozen running order (:mod:`broadcast.report.record`). One row
per script and version aired: editing, approving or deleting a script after the period
leaves its report as it was. A version aired approved when an approval of that version
(recorded by the end of the period) is older than every play of it, or is the baseline.

Plays of old logs (written before 2026-12) name no version and have no planned version: for
those the version is inferred from time, as before, and the row says so
(:data:`INFERRED`): a play aired the approval in force at its start (the latest approval
recorded before it); without ``approval: required`` drafts air too, so a script file changed
after its approval and before a play (file time) counts as not the approved version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import BroadcastError
from ..project.approval import Approval, Approvals, approval_required, console_db, file_hash
from ..project.scripts import load_script
from ..project.versions import load_kept
from ..vocabulary import TIMEZONE, today
from .asrun import AsRunLog, Play
from .record import records

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
    "sha1_tep_phat",
    "nguon_phien_ban",
]
#: ``nguon_phien_ban`` (CSV): the version aired is the one the log names / was inferred
FROM_LOG, FROM_TIME = "nhat_ky", "suy_ra"
#: said on a row whose plays (old logs) name no version
INFERRED = "suy ra từ thời điểm: nhật ký cũ không ghi phiên bản"
NOTE = (
    "Phiên bản: 10 ký tự đầu mã SHA-256 của tệp kịch bản (và bản ghi âm, nếu có) đã phát, "
    "theo nhật ký phát sóng; mỗi phiên bản đã phát một dòng. Bản phát là bản duyệt: phiên "
    "bản này được duyệt trước mọi lượt phát trong kỳ. Dòng ghi «suy ra» là lượt phát trong "
    "nhật ký cũ (không ghi phiên bản): suy ra từ thời điểm duyệt, thời điểm phát và thời "
    "điểm sửa tệp."
)


@dataclass(frozen=True)
class ApprovalRow:
    """One script (and version aired) in the approvals appendix."""

    script_id: str
    title: str
    approval: Approval | None  # of the version aired; inferred rows: the latest one
    aired: int  # aired plays in the period
    matches: str  # "có", "không (...)" or "chưa phát"
    #: the version aired, from the record ("": not aired, or inferred: the approval's)
    version: str = ""
    #: SHA-1 of the files played, as the log recorded them (sorted, distinct)
    file_sha1: tuple[str, ...] = ()
    #: FROM_LOG, FROM_TIME (old plays) or "" (not aired)
    origin: str = ""

    @property
    def shown_version(self) -> str:
        return self.version or (self.approval.version if self.approval else "")

    def cells(self) -> list[str]:
        a = self.approval
        return [
            self.script_id,
            self.title,
            self.shown_version[:10] or "—",
            a.by if a else "(chưa duyệt)",
            a.at if a else "—",
            str(self.aired),
            self.matches,
        ]

    def csv_cells(self) -> list[object]:
        a = self.approval
        return [
            "duyet",
            self.script_id,
            self.title,
            self.shown_version,
            a.by if a else "",
            a.at if a else "",
            self.aired,
            self.matches,
            " ".join(self.file_sha1),
            self.origin,
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


def uses_approval(root: Path, by: dt.date | None = None) -> bool:
    """``approval: required``, or the console's book holds approvals (never creates it).

    With ``by`` (the end of a report's period) before today: whether approval was in use
    then — the book holds an approval recorded by that day (or a baseline, which stands
    for all before it). Turning approval on, or a first approval, today adds no appendix
    to the report of a closed period."""
    closed = by is not None and by < today()
    if not closed and approval_required(root):
        return True
    if not console_db(root).is_file():
        return False
    book = Approvals(console_db(root)).all()
    if by is None or not closed:
        return bool(book)
    return any(a.kind == "baseline" or a.at[:10] <= by.isoformat() for a in book)


def planned_versions(log: AsRunLog, start: dt.date, end: dt.date) -> Callable[[Play], str]:
    """The version a play without one aired: that of its planned item (same day, station
    and script), from the record (the log's planned rows, else the frozen running order);
    "" when the record names none, or two. Read only when first asked."""
    known: dict[tuple[dt.date, str, str], set[str]] | None = None

    def version(play: Play) -> str:
        nonlocal known
        if known is None:
            known = {}
            for rec in records(log, start, end).values():
                for p in rec.items:
                    known.setdefault((p.day, p.station_id, p.script_id), set()).add(p.version)
        found = known.get((play.day, play.station_id, play.script_id), set())
        return next(iter(found)) if len(found) == 1 else ""

    return version


def approval_rows(
    root: Path,
    log: AsRunLog,
    start: dt.date,
    end: dt.date,
) -> list[ApprovalRow] | None:
    """The appendix rows, or None when the project does not use approval, or a closed
    period did not (no section: :func:`uses_approval`).

    Titles come from the record (the title the log recorded for the plays); a script
    approved but not aired in the period takes the title of the approved version (kept),
    else of its file. Inferred rows (old plays) keep the rule they always had: the file's
    title, else the log's."""
    if not uses_approval(root, end):
        return None
    scripts = {p.stem: p for p in sorted((Path(root) / "scripts").glob("*.md"))}
    book = Approvals(console_db(root))
    required = approval_required(root)
    history: dict[str, list[Approval]] = {}
    for a in book.all():  # oldest first; the baseline stands for all that came before it
        if a.script_id and (a.kind == "baseline" or a.at[:10] <= end.isoformat()):
            history.setdefault(a.script_id, []).append(a)
    version_of = planned_versions(log, start, end)
    known: dict[str, dict[str, list[Play]]] = {}
    old: dict[str, list[Play]] = {}
    for p in log.plays(start, end):
        if not p.aired:
            continue
        version = p.version or version_of(p)
        if version:
            known.setdefault(p.script_id, {}).setdefault(version, []).append(p)
        else:
            old.setdefault(p.script_id, []).append(p)
    wanted = set(known) | set(old) | {a.script_id for a in approvals_between(book, start, end)}
    rows: list[tuple[str, dt.datetime | None, ApprovalRow]] = []
    for sid in sorted(wanted):
        done = history.get(sid, [])
        for version, plays in known.get(sid, {}).items():
            rows.append((sid, plays[0].start, _known_row(sid, version, plays, done)))
        if sid in old:
            plays = old[sid]
            row = _inferred_row(sid, plays, done, scripts.get(sid), required)
            rows.append((sid, plays[0].start, row))
        if sid not in known and sid not in old:
            latest = done[-1] if done else None
            rows.append(
                (
                    sid,
                    None,
                    ApprovalRow(sid, _title(root, sid, latest, scripts), latest, 0, "chưa phát"),
                )
            )
    rows.sort(
        key=lambda r: (
            r[0],
            r[1] is not None,
            r[1] or dt.datetime.min.replace(tzinfo=ZoneInfo(TIMEZONE)),
        )
    )
    return [r for _, _, r in rows]


def _sha1s(plays: list[Play]) -> tuple[str, ...]:
    return tuple(sorted({p.file_sha1 for p in plays if p.file_sha1}))


def _known_row(sid: str, version: str, plays: list[Play], done: list[Approval]) -> ApprovalRow:
    """The plays of one version the record names: approved when an approval of that very
    version (the first, or the baseline) came before every one of them."""
    approval = next((a for a in done if a.version == version), None)
    n = len(plays)
    if approval is None:
        matches = f"không ({n} lượt phát bản chưa được duyệt)"
    else:
        since = None if approval.kind == "baseline" else _when(approval.at)
        before = sum(p.start < since for p in plays) if since else 0
        matches = f"không ({before}/{n} lượt phát trước khi duyệt bản này)" if before else "có"
    title = plays[-1].title
    return ApprovalRow(sid, title, approval, n, matches, version, _sha1s(plays), FROM_LOG)


def _title(root: Path, sid: str, approval: Approval | None, scripts: dict[str, Path]) -> str:
    """The title of the approved version (kept), else of the script file, else ""."""
    if approval is not None:
        script = load_kept(root, sid, approval.version)
        if script is not None:
            return script.meta.title
    return _file_title(scripts.get(sid)) or ""


def _file_title(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return load_script(path).meta.title
    except BroadcastError:  # a broken file: ``check`` reports it; the id still shows
        return None


def _inferred_row(
    sid: str, plays: list[Play], done: list[Approval], path: Path | None, required: bool
) -> ApprovalRow:
    latest = done[-1] if done else None
    title = _file_title(path)
    matches = _labelled(_matches(latest, [p.start for p in plays], path, required))
    return ApprovalRow(
        sid, plays[-1].title if title is None else title, latest, len(plays), matches,
        "", _sha1s(plays), FROM_TIME,
    )  # fmt: skip


def _labelled(matches: str) -> str:
    """``matches`` saying it was inferred: "có (suy ra …)", "không (1/2 …; suy ra …)"."""
    if matches.endswith(")"):
        return f"{matches[:-1]}; {INFERRED})"
    return f"{matches} ({INFERRED})"


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
