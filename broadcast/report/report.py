"""The directive report: what aired, per công văn / campaign and per station, from the log.

Officers report to the district every 6 months and every year on how each directive was
carried out. Every figure here is counted from the as-run log (plays, and for "required"
the planned rows ``build`` logged), never recomputed from today's schedule, which may have
changed since.

Definitions (also printed under the tables):
- aired: plays whose result is played, confirmed or imported;
- minutes: sum of (end - start) of aired plays; a play with no end counts its planned length;
- morning: aired plays in a slot before 12:00;
- required days: days in the period with at least one planned item of that group;
- missed days: required days on which that station aired none of it (a day whose planned
  bulletins are not all over yet, at the time the report is made, is not missed yet).

A recorded bulletin (a script with ``recording:``, issue 20) counts like any other; the
notes under the tables say which scripts aired as a recording and how many times (from
the planned rows' engine "recording").

What was planned is the record of each built day (:mod:`.record`: the as-run log's planned
rows, else the frozen running order file), read by every section: sections 1–4 here and
section 5 (planned against aired, ``compliance.py``) count the same bulletins. Days never
built are reported apart ("không làm danh sách phát"), with what today's schedule asks
for on them: the only figures computed from the schedule, and labelled so.

:func:`make_report` puts every section together; ``broadcast report`` and the console's
report page and downloads both call it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, thousands
from . import approvals as appx
from .asrun import AsRunLog
from .compliance import CSV_REASONS, NOT_BUILT, REASONS, Compliance, totals
from .record import DayRecord, records
from .spreadsheet import PLAIN, Dialect, Fixed, write_rows

MORNING_END = "12:00"
#: the engine of a bulletin that airs a recording (broadcast.render.renderer.RECORDING)
RECORDING = "recording"


@dataclass
class Line:
    """Counts for one group: a directive/campaign, a station, or both."""

    directive: str = ""
    source: str = ""
    station: str = ""
    planned: int = 0
    aired: int = 0
    not_aired: int = 0  # failed or skipped plays
    airtime_s: float = 0.0
    morning: int = 0
    scripts: set[str] = field(default_factory=set)
    required: set[tuple[str, dt.date]] = field(default_factory=set)  # (station, day)
    aired_days: set[tuple[str, dt.date]] = field(default_factory=set)
    #: (station, day) still on air or to come when the report was made: not missed yet
    pending: set[tuple[str, dt.date]] = field(default_factory=set)

    @property
    def minutes(self) -> float:
        return round(self.airtime_s / 60, 1)

    @property
    def morning_share(self) -> float:
        return self.morning / self.aired if self.aired else 0.0

    @property
    def required_days(self) -> int:
        return len({day for _, day in self.required})

    @property
    def missed(self) -> list[tuple[str, dt.date]]:
        """(station, day) pairs that were required and aired nothing."""
        missed = self.required - self.aired_days - self.pending
        return sorted(missed, key=lambda p: (p[1], p[0]))

    @property
    def completion(self) -> float:
        return self.aired / self.planned if self.planned else 0.0


@dataclass
class Report:
    start: dt.date
    end: dt.date
    commune: str
    station_names: dict[str, str]
    by_directive: list[Line]
    by_station: list[Line]
    detail: list[Line]
    total: Line
    log_path: Path
    #: planned against aired, per station and campaign (None: schedules not available)
    compliance: list[Compliance] | None = None
    #: who approved which script version (None: the project does not use approval)
    approvals: list[appx.ApprovalRow] | None = None
    #: scripts aired as a recording: script id -> (title, aired plays)
    recordings: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: the commune's name is today's (schedules/stations.yaml): the period's running orders
    #: were built before they recorded it (2026-12), so a rename since shows here
    commune_from_today: bool = False
    #: airings that met several campaigns' requests at once (planner rule 8), counted in the
    #: tables for the first: (its campaign, another it met) -> (planned, aired)
    shared: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def station_label(self, sid: str) -> str:
        name = self.station_names.get(sid)
        return f"{name} ({sid})" if name else sid


def frozen_names(recs: Iterable[DayRecord]) -> dict[str, str]:
    """Station id -> the name its running orders were built with (the latest day's)."""
    out: dict[str, str] = {}
    for rec in sorted(recs, key=lambda r: r.day):
        st = rec.order.station if rec.order is not None else None
        if st is not None and st.name and st.name != st.id:
            out[rec.station_id] = st.name
    return out


def frozen_commune(recs: Iterable[DayRecord]) -> str:
    """The commune's name the period's running orders were built with (the latest day's);
    "" when none carries one (files written before 2026-12: today's name stands in)."""
    name = ""
    for rec in sorted(recs, key=lambda r: r.day):
        if rec.order is not None and rec.order.commune:
            name = rec.order.commune
    return name


def build_report(
    log: AsRunLog,
    start: dt.date,
    end: dt.date,
    commune: str = "",
    station_names: dict[str, str] | None = None,
    now: dt.datetime | None = None,
    out_dir: Path | None = None,
) -> Report:
    """Count plays, and the planned bulletins of the record (:func:`.record.records`:
    the log's planned rows, else the frozen running orders of ``out_dir``, by default
    the log's folder), between ``start`` and ``end`` inclusive.

    With ``now``, a (station, day) whose planned bulletins are not all over by then is
    not counted as missed.

    A station's name is the one its frozen running orders of the period carry (the last
    built day's), so renaming a station today does not change a past report; ``station_names``
    (today's) name the stations with no built day in the period, or files that carry none."""
    recs = records(log, start, end, out_dir)
    planned = [p for rec in recs.values() for p in rec.items]
    station_names = {**(station_names or {}), **frozen_names(recs.values())}
    frozen = frozen_commune(recs.values())
    commune_from_today = bool(recs) and not frozen and bool(commune)
    commune = frozen or commune
    plays = log.plays(start, end)
    planned_len = {(p.day, p.station_id, p.script_id, p.slot): p.duration_s for p in planned}
    recorded = {
        (p.day, p.station_id, p.script_id, p.slot): p.title
        for p in planned
        if p.engine == RECORDING
    }
    recordings: dict[str, tuple[str, int]] = {}
    detail: dict[tuple[str, str, str], Line] = {}
    aired_at = {(p.day, p.station_id, p.script_id, p.slot) for p in plays if p.aired}
    shared: dict[tuple[str, str], tuple[int, int]] = {}
    for rec in recs.values():
        for it in rec.order.items if rec.order is not None else ():
            for other in it.also if it.is_bulletin else ():
                was = shared.get((it.source, other), (0, 0))
                hit = (rec.day, rec.station_id, it.script, it.slot) in aired_at
                shared[(it.source, other)] = (was[0] + 1, was[1] + hit)

    def line_for(directive: str, source: str, station: str) -> Line:
        key = (directive, source, station)
        if key not in detail:
            detail[key] = Line(directive=directive, source=source, station=station)
        return detail[key]

    for p in planned:
        line = line_for(p.directive, p.source, p.station_id)
        line.planned += 1
        line.required.add((p.station_id, p.day))
        if now is not None and p.end > now:
            line.pending.add((p.station_id, p.day))
    for play in plays:
        line = line_for(play.directive, play.source, play.station_id)
        if not play.aired:
            line.not_aired += 1
            continue
        seconds = play.duration_s
        if seconds is None:
            seconds = planned_len.get((play.day, play.station_id, play.script_id, play.slot), 0.0)
        line.aired += 1
        line.airtime_s += seconds
        line.morning += play.slot < MORNING_END
        line.scripts.add(play.script_id)
        line.aired_days.add((play.station_id, play.day))
        title = recorded.get((play.day, play.station_id, play.script_id, play.slot))
        if title is not None:
            known = recordings.get(play.script_id, (title or play.title, 0))
            recordings[play.script_id] = (known[0], known[1] + 1)

    # Aggregates are keyed with None where a detail key has a value, so a detail row with
    # an empty directive can never be mistaken for a total.
    Key = tuple[str | None, str | None, str | None]
    groups: dict[Key, Line] = dict(detail)  # type: ignore[arg-type]
    for (directive, source, station), sub in detail.items():
        agg_keys: list[Key] = [(directive, source, None), (None, None, station), (None, None, None)]
        for key in agg_keys:
            agg = groups.setdefault(
                key, Line(directive=key[0] or "", source=key[1] or "", station=key[2] or "")
            )
            agg.planned += sub.planned
            agg.aired += sub.aired
            agg.not_aired += sub.not_aired
            agg.airtime_s += sub.airtime_s
            agg.morning += sub.morning
            agg.scripts |= sub.scripts
            agg.required |= sub.required
            # a (station, day) pair counts as missed if any group required there missed it
            agg.aired_days |= set(sub.missed)
    for key, agg in groups.items():
        if None in key:
            agg.aired_days = agg.required - agg.aired_days

    def ordered(pred) -> list[Line]:  # type: ignore[no-untyped-def]
        return sorted(
            (ln for k, ln in groups.items() if pred(k)),
            key=lambda ln: (ln.directive, ln.source, ln.station),
        )

    return Report(
        start=start,
        end=end,
        commune=commune,
        station_names=dict(station_names or {}),
        by_directive=ordered(lambda k: k[0] is not None and k[2] is None),
        by_station=ordered(lambda k: k[0] is None and k[2] is not None),
        detail=ordered(lambda k: None not in k),
        total=groups.get((None, None, None), Line()),
        log_path=log.path,
        recordings=dict(sorted(recordings.items())),
        commune_from_today=commune_from_today,
        shared=dict(sorted(shared.items())),
    )


#: the longest period one report covers: the directives ask for 6 and 12 months; a
#: century of days (a typing slip: 2099) would be planned day by day for section 6
MAX_REPORT_DAYS = 1100


def check_period(start: dt.date, end: dt.date) -> None:
    """An InputError for a period longer than :data:`MAX_REPORT_DAYS` (about 3 years)."""
    days = (end - start).days + 1
    if days > MAX_REPORT_DAYS:
        raise InputError(
            f"Kỳ báo cáo dài {thousands(days)} ngày, quá giới hạn "
            f"{thousands(MAX_REPORT_DAYS)} ngày (3 năm)",
            where=f"kỳ báo cáo {start:%d/%m/%Y} – {end:%d/%m/%Y}",
            fix="kiểm tra lại năm đã gõ; báo cáo nhiều năm thì làm từng năm một",
        )


def make_report(
    root: Path,
    log: AsRunLog,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    out_dir: Path | None = None,
) -> Report:
    """The whole report of the project at ``root``: sections 1–4 (:func:`build_report`),
    5–6 (planned against aired, days never built) and the approvals appendix. Without a
    readable project, station ids stand for names and sections 5–6 are left out."""
    from .compliance import compare
    from .names import project_names, read_project

    check_period(start, end)
    project = read_project(root)
    commune, names = project_names(root, project)
    rep = build_report(log, start, end, commune, names, now=now, out_dir=out_dir)
    if project is not None:
        rep.compliance = compare(
            log, project.schedule, project.scripts, start, end, now, out_dir=out_dir
        )
    rep.approvals = appx.approval_rows(root, log, start, end)  # None: no approval in use
    return rep


# -- plain renderings ------------------------------------------------------------------

HEADERS = [
    "Kế hoạch",
    "Đã phát",
    "Lỗi/bỏ qua",
    "Số phút",
    "Buổi sáng",
    "Kịch bản",
    "Ngày yêu cầu",
    "Ngày bỏ sót",
]
NOTES = [
    "Đã phát: lượt có kết quả đã phát, đã xác nhận hoặc nhập từ phần mềm khác.",
    "Số phút: tổng thời gian các lượt đã phát.",
    "Buổi sáng: tỉ lệ lượt đã phát trong khung giờ trước 12:00.",
    "Ngày yêu cầu: số ngày có lịch phát; ngày bỏ sót: số (đài, ngày) có lịch mà không phát.",
    "Số liệu lấy từ hồ sơ (nhật ký phát sóng và danh sách phát đã làm), không tính lại từ lịch.",
]


def percent(x: float) -> str:
    return f"{x * 100:.0f}%"


def figures(line: Line) -> list[str]:
    return [
        str(line.planned),
        str(line.aired),
        str(line.not_aired),
        f"{line.minutes:.1f}".replace(".", ","),
        percent(line.morning_share),
        str(len(line.scripts)),
        str(line.required_days),
        str(len(line.missed)),
    ]


def title_of(report: Report) -> str:
    return "Báo cáo kết quả phát thanh tuyên truyền phòng, chống lừa đảo"


def period_of(report: Report) -> str:
    return f"Từ ngày {report.start:%d/%m/%Y} đến ngày {report.end:%d/%m/%Y}"


def tables(report: Report) -> list[tuple[str, list[str], list[list[str]]]]:
    """(section title, header, rows) for each table, shared by md, html and docx."""
    t1 = [[ln.directive, ln.source, *figures(ln)] for ln in report.by_directive]
    t2 = [[report.station_label(ln.station), *figures(ln)] for ln in report.by_station]
    t3 = [
        [ln.directive, ln.source, report.station_label(ln.station), *figures(ln)]
        for ln in report.detail
    ]
    total = ["Tổng cộng", "", *figures(report.total)]
    return [
        ("Theo công văn, chiến dịch", ["Công văn", "Chiến dịch", *HEADERS], t1 + [total]),
        ("Theo đài", ["Đài", *HEADERS], t2 + [[total[0], *total[2:]]]),
        ("Chi tiết theo công văn và đài", ["Công văn", "Chiến dịch", "Đài", *HEADERS], t3),
    ]


COMPLIANCE_TITLE = "Kế hoạch so với đã phát (theo danh sách phát đã làm)"
COMPLIANCE_HEADER = [
    "Đài",
    "Chiến dịch",
    "Kế hoạch",
    "Đã phát",
    "Phát dở",
    "Bỏ sót",
    "Chưa đến giờ",
    "Tỉ lệ",
    "Lý do bỏ sót",
    "Phát thêm",
]
UNBUILT_TITLE = "Ngày không làm danh sách phát (tính theo lịch hiện nay)"
COMPLIANCE_NOTES = [
    "Mục 5: kế hoạch là các bản tin trong danh sách phát đã làm của từng ngày (hồ sơ: "
    "nhật ký phát sóng và tệp danh sách phát), đúng như mục 1–3; không tính lại theo "
    "lịch hay kịch bản hôm nay.",
    "Phát dở: bị ngắt (để phát tin khẩn cấp) mà không phát lại. Chưa đến giờ: buổi chưa "
    "kết thúc lúc làm báo cáo, không tính là bỏ sót. Phát thêm: lượt đã phát ngoài kế "
    "hoạch (tin khẩn cấp, phát lại, ngày không làm danh sách); Đã phát + Phát thêm = "
    "Đã phát ở mục 2.",
    "Lý do: " + "; ".join(REASONS.values()) + ".",
    f"Mục 6: ngày {NOT_BUILT}, và số bản tin lịch hiện nay yêu cầu cho ngày đó; phần "
    "này tính theo lịch, không có trong hồ sơ, không cộng vào kế hoạch.",
]


def recordings_note(report: Report) -> list[str]:
    """Which scripts aired as a recording (a person's voice, not the machine's)."""
    if not report.recordings:
        return []
    parts = [f"«{title}» ({sid}): {n} lượt" for sid, (title, n) in report.recordings.items()]
    return [
        "Phát bằng bản ghi âm (giọng người đọc, không phải giọng máy): " + "; ".join(parts) + "."
    ]


def notes_of(report: Report) -> list[str]:
    """The notes printed under the tables (section 5's own when it is there)."""
    extra = [appx.NOTE] if report.approvals is not None else []
    extra += recordings_note(report)
    if report.shared:
        extra.append(
            "Một lượt phát đáp ứng yêu cầu của nhiều chiến dịch cùng lúc (cùng kịch bản, cùng "
            "buổi) được tính một lần, cho chiến dịch ghi trong bảng; nó cũng đáp ứng: "
            + "; ".join(
                f"{src} cho {other}: {planned} lượt theo kế hoạch, {aired} lượt đã phát"
                for (src, other), (planned, aired) in report.shared.items()
            )
            + "."
        )
    if report.commune_from_today:
        extra.append(
            "Tên xã in ở đầu báo cáo lấy theo schedules/stations.yaml hôm nay: danh sách phát "
            "của kỳ này làm trước khi phần mềm ghi tên xã vào từng ngày, nên nếu xã đã đổi "
            "tên thì đây là tên mới."
        )
    if report.compliance is None:
        return [*NOTES, *extra]
    return [
        *NOTES[:-1],
        "Mục 1–4: " + NOTES[-1][0].lower() + NOTES[-1][1:],
        *COMPLIANCE_NOTES,
        *extra,
    ]


def compliance_rows(report: Report) -> list[list[str]]:
    """Rows of the planned-against-aired table (station and campaign; totals last)."""
    lines = report.compliance or []

    def row(label: str, ln: Compliance) -> list[str]:
        return [
            label,
            ln.source,
            str(ln.required),
            str(ln.aired),
            str(ln.partly),
            str(ln.missed),
            str(ln.pending),
            percent(ln.aired / ln.required if ln.required else 0.0),
            ln.reason_text,
            str(ln.extra),
        ]

    shown = [ln for ln in lines if ln.required or ln.aired or ln.extra or ln.partly]
    rows = [row(report.station_label(ln.station), ln) for ln in shown]
    rows.append(row("Tổng cộng", totals(lines)))
    return rows


def _days_text(days: dict[dt.date, int]) -> str:
    return ", ".join(f"{d:%d/%m} ({n} bản tin)" for d, n in sorted(days.items()))


def unbuilt_lines(report: Report) -> list[str]:
    """Section 6: per station and campaign, the days never built and what the schedule
    asks for on them (days that have begun apart from days to come)."""
    out = []
    for ln in report.compliance or []:
        label = f"{report.station_label(ln.station)} — {ln.source}"
        if ln.unbuilt:
            out.append(f"{label}: {NOT_BUILT} {_days_text(ln.unbuilt)}")
        if ln.later:
            out.append(f"{label}: chưa đến ngày, chưa làm danh sách phát {_days_text(ln.later)}")
        if ln.unplaced:
            out.append(
                f"{label}: {ln.unplaced} bản tin lịch yêu cầu mà danh sách phát đã làm "
                "không xếp được (ghi chú của lịch)"
            )
    return out


def missed_lines(report: Report) -> list[str]:
    out = []
    for ln in report.detail:
        if ln.missed:
            days = ", ".join(f"{d:%d/%m}" for _, d in ln.missed)
            out.append(f"{report.station_label(ln.station)} — {ln.source}: {days}")
    return out


def to_markdown(report: Report) -> str:
    def cell(s: str) -> str:
        return s.replace("|", "\\|")

    out = [f"# {title_of(report)}", ""]
    where = f" — {report.commune}" if report.commune else ""
    out += [f"{period_of(report)}{where}.", ""]
    for n, (name, header, rows) in enumerate(tables(report), start=1):
        out += [
            f"## {n}. {name}",
            "",
            "| " + " | ".join(header) + " |",
            "|"
            + "|".join("---" if i < len(header) - 8 else "---:" for i in range(len(header)))
            + "|",
        ]
        out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
        out.append("")
    out += ["## 4. Ngày có lịch mà không phát", ""]
    out += [f"- {m}" for m in missed_lines(report)] or ["- Không có."]
    if report.compliance is not None:
        out += ["", f"## 5. {COMPLIANCE_TITLE}", ""]
        out += ["| " + " | ".join(COMPLIANCE_HEADER) + " |"]
        out += ["|---|---|" + "---:|" * 6 + "---|---:|"]
        out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in compliance_rows(report)]
        out += ["", f"## 6. {UNBUILT_TITLE}", ""]
        out += [f"- {m}" for m in unbuilt_lines(report)] or ["- Không có."]
    if report.approvals is not None:
        out += ["", f"## Phụ lục. {appx.TITLE}", ""]
        out += ["| " + " | ".join(appx.HEADER) + " |", "|---|---|---|---|---|---:|---|"]
        out += ["| " + " | ".join(cell(c) for c in r.cells()) + " |" for r in report.approvals]
        if not report.approvals:
            out += ["", "Không có kịch bản nào được duyệt hay phát trong kỳ."]
    out += ["", "Ghi chú:", ""] + [f"- {n}" for n in notes_of(report)]
    return "\n".join(out) + "\n"


CSV_HEADER = [
    "nhom",
    "cong_van",
    "chien_dich",
    "dai",
    "ke_hoach",
    "da_phat",
    "loi_bo_qua",
    "so_phut",
    "ti_le_buoi_sang",
    "so_kich_ban",
    "ngay_yeu_cau",
    "ngay_bo_sot",
    "cac_ngay_bo_sot",
    # planned against aired (group "ke_hoach"): added columns, the ones above keep their place
    "yeu_cau",
    "phat_do",
    "bo_sot",
    "chua_den_gio",
    *(f"ly_do_{k}" for k in CSV_REASONS),
    # added with the record (issue 18): aired beyond the plan; days never built
    "phat_them",
    "khong_lam_danh_sach",
]


def to_csv(report: Report, dialect: Dialect = PLAIN) -> str:
    """The report as CSV rows (see :mod:`.spreadsheet`: never a live formula)."""
    rows: list[list[object]] = [list(CSV_HEADER)]
    for group, lines in (
        ("cong_van", report.by_directive),
        ("dai", report.by_station),
        ("chi_tiet", report.detail),
        ("tong", [report.total]),
    ):
        for ln in lines:
            rows.append(
                [
                    group,
                    ln.directive,
                    ln.source,
                    ln.station,
                    ln.planned,
                    ln.aired,
                    ln.not_aired,
                    Fixed(ln.minutes, 1),
                    Fixed(ln.morning_share, 3),
                    len(ln.scripts),
                    ln.required_days,
                    len(ln.missed),
                    " ".join(f"{s}:{d.isoformat()}" for s, d in ln.missed),
                ]
            )
    compliance = report.compliance or []
    for c in [*compliance, *([totals(compliance)] if compliance else [])]:
        rows.append(
            [
                "ke_hoach" if c.station else "ke_hoach_tong",
                c.directive,
                c.source,
                c.station,
                "",
                c.aired,
                "",
                "",
                "",
                "",
                "",
                len(c.missed_days),
                " ".join(f"{c.station}:{d.isoformat()}" for d in sorted(c.missed_days)),
                c.required,
                c.partly,
                c.missed,
                c.pending,
                *c.csv_reasons(),
                c.extra,
                " ".join(f"{c.station}:{d.isoformat()}" for d in sorted(c.unbuilt)),
            ]
        )
    if report.approvals is not None:  # its own block of rows, with its own header row
        rows.append([])
        rows.append(list(appx.CSV_HEADER))
        rows += [r.csv_cells() for r in report.approvals]
    if report.recordings:  # its own block, only when something aired as a recording
        rows.append([])
        rows.append(["nhom", "kich_ban", "tieu_de", "luot_phat_ban_ghi"])
        for sid, (title, n) in report.recordings.items():
            rows.append(["ban_ghi", sid, title, n])
    return write_rows(rows, dialect)


_CSS = """body{font-family:"Times New Roman",serif;max-width:1100px;margin:2em auto;color:#111}
table{border-collapse:collapse;margin:1em 0;width:100%}th,td{border:1px solid #555;
padding:4px 6px;font-size:14px}th{background:#eee}td.n{text-align:right}
h1{text-align:center;font-size:22px}p.c{text-align:center}"""


def to_html(report: Report) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{e(title_of(report))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title_of(report).upper())}</h1>",
        f'<p class="c">{e(period_of(report))}'
        f"{' — ' + e(report.commune) if report.commune else ''}</p>",
    ]
    for n, (name, header, rows) in enumerate(tables(report), start=1):
        out.append(
            f"<h2>{n}. {e(name)}</h2><table><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in header)
            + "</tr>"
        )
        for row in rows:
            k = len(row) - 8
            out.append(
                "<tr>"
                + "".join(
                    f"<td{' class=n' if i >= k else ''}>{e(c)}</td>" for i, c in enumerate(row)
                )
                + "</tr>"
            )
        out.append("</table>")
    out.append("<h2>4. Ngày có lịch mà không phát</h2><ul>")
    out += [f"<li>{e(m)}</li>" for m in missed_lines(report)] or ["<li>Không có.</li>"]
    out.append("</ul>")
    if report.compliance is not None:
        out.append(
            f"<h2>5. {e(COMPLIANCE_TITLE)}</h2><table><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in COMPLIANCE_HEADER)
            + "</tr>"
        )
        for row in compliance_rows(report):
            out.append(
                "<tr>"
                + "".join(
                    f"<td{' class=n' if 2 <= i <= 7 or i == 9 else ''}>{e(c)}</td>"
                    for i, c in enumerate(row)
                )
                + "</tr>"
            )
        out.append("</table>")
        out.append(f"<h2>6. {e(UNBUILT_TITLE)}</h2><ul>")
        out += [f"<li>{e(m)}</li>" for m in unbuilt_lines(report)] or ["<li>Không có.</li>"]
        out.append("</ul>")
    if report.approvals is not None:
        out.append(
            f"<h2>Phụ lục. {e(appx.TITLE)}</h2><table><tr>"
            + "".join(f"<th>{e(h)}</th>" for h in appx.HEADER)
            + "</tr>"
        )
        for r in report.approvals:
            out.append(
                "<tr>"
                + "".join(
                    f"<td{' class=n' if i == 5 else ''}>{e(c)}</td>"
                    for i, c in enumerate(r.cells())
                )
                + "</tr>"
            )
        out.append("</table>")
        if not report.approvals:
            out.append("<p>Không có kịch bản nào được duyệt hay phát trong kỳ.</p>")
    out.append(
        "<p>Ghi chú:</p><ul>"
        + "".join(f"<li>{e(n)}</li>" for n in notes_of(report))
        + "</ul></body></html>"
    )
    return "\n".join(out) + "\n"
