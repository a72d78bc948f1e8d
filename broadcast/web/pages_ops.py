"""Operation pages: the week's plan, building a day, emergency, as-run log and report.

Each calls the function its CLI command calls: ``plan_days`` (broadcast plan),
``build`` (broadcast build), ``send_emergency`` (broadcast emergency),
``AsRunLog.confirm_day`` (broadcast asrun confirm), ``make_report`` / ``to_csv`` /
``build_docx`` (broadcast report). Nothing here plans, renders or counts by itself.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..build.day import build
from ..errors import InputError, SkippedScripts
from ..files.confined import check_within, script_paths
from ..playout.status import duration_words
from ..project.converters import to_date
from ..project.loader import load_project
from ..project.scripts import load_script
from ..report.approvals import HEADER as APPROVALS_HEADER
from ..report.approvals import approvals_between
from ..report.asrun import NOT_AIRED_NOTE, AsRunLog, Planned, ReadOnlyAsRunLog, asrun_path
from ..report.record import FROM_FILE, DayRecord, frozen_records, records
from ..report.report import (
    COMPLIANCE_HEADER,
    COMPLIANCE_TITLE,
    UNBUILT_TITLE,
    compliance_rows,
    frozen_names,
    make_report,
    tables,
    to_csv,
    unbuilt_lines,
)
from ..report.spreadsheet import EXCEL, write_rows
from ..schedule.planner import DayPlan
from .guard import page, render
from .jobs import Job

LEVEL = {"emergency": "KHẨN CẤP", "priority": "ưu tiên", "normal": "thường"}
PLAN_DAYS = 7


def _today() -> dt.date:
    from ..vocabulary import today

    return today()


def _date(value: str | None, default: dt.date | None = None) -> dt.date:
    if not value:
        return default or _today()
    try:
        return to_date(value)
    except ValueError as exc:
        raise InputError(str(exc), where="ngày", fix="chọn ngày trong lịch") from None


def mmss(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


@dataclass
class SessionView:
    start: str
    window: str
    used: str
    capacity: str
    fill: int  # percent of capacity, 0 when there is no limit
    overrun: str
    items: list[dict[str, str]] = field(default_factory=list)


@dataclass
class DayView:
    day: dt.date
    sessions: list[SessionView]
    notes: list[str]
    #: read from the record of a built day that has begun or aired, not planned again
    recorded: bool = False
    #: the station's name as that day's running order was built ("" when not recorded or
    #: the file carries none): a renamed station's past days keep the name they aired under
    built_as: str = ""


def recorded_view(rec: DayRecord, titles: dict[str, str] | None = None) -> DayView:
    """A built day as the record holds it (:mod:`broadcast.report.record`): its sessions,
    bulletins and notes as they were built, whatever today's scripts and schedules say."""
    titles = titles or {}
    by_slot: dict[str, list[Planned]] = {}
    for p in rec.items:
        by_slot.setdefault(p.slot, []).append(p)
    built: dict[str, Mapping[str, object]] = {}
    for doc in rec.order.sessions if rec.order is not None else ():
        try:
            built[f"{dt.datetime.fromisoformat(str(doc.get('start'))):%H:%M}"] = doc
        except ValueError:
            continue
    sessions = []
    for slot in sorted({*by_slot, *built}):
        items = by_slot.get(slot, [])
        doc = built.get(slot, {})
        used = _number(doc.get("used_s"), sum(p.duration_s for p in items))
        cap = _number(doc.get("capacity_s"), 0.0)
        overrun = _number(doc.get("overrun_s"), 0.0)
        sessions.append(
            SessionView(
                start=slot,
                window=str(doc.get("window") or ""),
                used=duration_words(used),
                capacity=duration_words(cap) if cap else "",
                fill=min(100, int(round(100 * used / cap))) if cap else 0,
                overrun=duration_words(overrun) if overrun > 0 else "",
                items=[
                    {
                        "at": f"{p.start:%H:%M}",
                        "script": p.script_id,
                        "title": p.title or titles.get(p.script_id, p.script_id),
                        "level": LEVEL.get(p.priority, p.priority),
                        "priority": p.priority,
                        "source": p.source,
                        "duration": duration_words(p.duration_s),
                        "note": "",
                    }
                    for p in items
                ],
            )
        )
    notes = [str(n.get("text", "")) for n in rec.notes if n.get("text")]
    st = rec.order.station if rec.order is not None else None
    built_as = st.name if st is not None and st.name and st.name != st.id else ""
    return DayView(rec.day, sessions, notes, recorded=True, built_as=built_as)


def _number(value: object, default: float) -> float:
    return (
        float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default
    )


def day_view(
    plan: DayPlan,
    sid: str,
    guessed: set[tuple[str, str]],
    titles: dict[str, str] | None = None,
) -> DayView:
    """One station's day as the plan page shows it (times follow ``broadcast plan``);
    bulletins by their title (the id stays in small text), lengths in words."""
    titles = titles or {}
    sessions = []
    for sess in plan.sessions.get(sid, []):
        t = dt.datetime.combine(plan.day, sess.start) + dt.timedelta(seconds=sess.station_id_s)
        items = []
        for n, item in enumerate(sess.items):
            if n:
                t += dt.timedelta(seconds=sess.between_s)
            notes = []
            if (sid, item.script_id) in guessed and item.file is None:
                notes.append("ước tính theo số chữ")  # no engine could speak it
            if item.moved_from:
                notes.append(f"dời từ {item.moved_from:%H:%M}")
            items.append(
                {
                    "at": f"{t:%H:%M}",
                    "script": item.script_id,
                    "title": titles.get(item.script_id, item.script_id),
                    "level": LEVEL[item.priority.value],
                    "priority": item.priority.value,
                    "source": item.source,
                    "duration": duration_words(item.duration_s),
                    "note": ", ".join(notes),
                }
            )
            t += dt.timedelta(seconds=item.duration_s)
        cap = sess.capacity_s
        sessions.append(
            SessionView(
                start=f"{sess.start:%H:%M}",
                window=f"{sess.window[0]:%H:%M}-{sess.window[1]:%H:%M}" if sess.window else "",
                used=duration_words(sess.used_s),
                capacity=duration_words(cap) if cap else "",
                fill=min(100, int(round(100 * sess.used_s / cap))) if cap else 0,
                overrun=duration_words(sess.overrun_s) if sess.overrun_s > 0 else "",
                items=items,
            )
        )
    return DayView(plan.day, sessions, [n.text for n in plan.notes_for(sid)])


#: planner notes an operator has to look at besides those where a bulletin does not air
#: (``Note.lost``); the rest say what was done, e.g. a move
FLAGGED = {"overrun", "sessions", "clash"}


def overview(
    plans: list[tuple[DayPlan, set[tuple[str, str]], set[tuple[str, str]]]],
    stations: list[str],
    recorded: dict[tuple[dt.date, str], DayRecord] | None = None,
) -> dict[str, list[dict[str, object]]]:
    """Every station's week at a glance: bulletins and airtime a day, and whether the
    planner flagged something to look at (an overrun, a drop). A day in ``recorded`` is
    shown as it was built (:func:`frozen_records`), not planned again."""
    out: dict[str, list[dict[str, object]]] = {}
    for sid in stations:
        out[sid] = []
        for plan, *_ in plans:
            rec = (recorded or {}).get((plan.day, sid))
            if rec is not None:  # what was built, as the record holds it
                out[sid].append(
                    {
                        "day": plan.day,
                        "count": len(rec.items),
                        "airtime": mmss(sum(p.duration_s for p in rec.items)),
                        "flags": [str(n.get("text", "")) for n in rec.notes if n.get("lost")],
                    }
                )
                continue
            sessions = plan.sessions.get(sid, [])
            flags = [n.text for n in plan.notes_for(sid) if n.lost or n.kind in FLAGGED]
            flags += [
                f"buổi {s.start:%H:%M} quá {mmss(s.overrun_s)}" for s in sessions if s.overrun_s > 0
            ]
            out[sid].append(
                {
                    "day": plan.day,
                    "count": sum(len(s.items) for s in sessions),
                    "airtime": mmss(sum(s.used_s for s in sessions)),
                    "flags": flags,
                }
            )
    return out


@page()
async def plan_page(request: Request) -> Response:
    from ..emergency.queue import queued_for
    from ..schedule.days import plan_days

    q = request.query_params
    start = _date(q.get("date"))
    root, out = request.app.state.root, request.app.state.out

    def work():  # type: ignore[no-untyped-def]
        project = load_project(root, strict=False)
        stations = list(project.schedule.stations)
        queued = queued_for(out, start)
        plans = plan_days(project, out, start, PLAN_DAYS, stations, queued)
        path = asrun_path(out)
        log = ReadOnlyAsRunLog(path) if path.is_file() else None
        end = start + dt.timedelta(days=PLAN_DAYS - 1)
        return project, plans, frozen_records(log, out, start, end, _today())

    project, plans, recorded = await run_in_threadpool(work)
    sched = project.schedule
    station_id = q.get("station") or next(iter(sched.stations))
    if station_id not in sched.stations:
        raise InputError(
            f"Không có đài '{station_id}'", where="đài", fix="chọn đài trong danh sách"
        )
    titles = {sid: sc.meta.title for sid, sc in project.scripts.items()}
    days = [
        recorded_view(recorded[(plan.day, station_id)], titles)
        if (plan.day, station_id) in recorded
        else day_view(plan, station_id, guessed, titles)
        for plan, _rendered, guessed in plans
    ]
    return render(
        request,
        "plan.html",
        overview=overview(plans, list(sched.stations), recorded),
        start=start,
        station=sched.stations[station_id],
        stations=sched.stations.values(),
        days=days,
        warnings=project.warnings,
        skipped=project.skipped,
        prev=start - dt.timedelta(days=PLAN_DAYS),
        next=start + dt.timedelta(days=PLAN_DAYS),
    )


class _JobProgress:
    """The build's progress (broadcast.build.day.RenderProgress) as the job page shows it."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def start(self, total: int, day: dt.date) -> None:
        self.job.total = total

    def advance(self, what: str) -> None:
        self.job.progress.append(what)

    def stop(self) -> None:
        pass


def build_day(root: Path, out: Path, day: dt.date) -> Callable[[Job], list[str]]:
    def work(job: Job) -> list[str]:
        job.progress.append("đang đọc dự án")
        project = load_project(root, strict=False)
        # one progress line per file the build makes (bulletins shared by stations that
        # sound alike, and each station's announcement): the build says how many
        result = build(project, out, day, 1, None, bar=_JobProgress(job), keep_records=True)
        lines = [
            f"Xong: {len(result.playlists)} danh sách phát, {result.rendered} bản tin mới, "
            f"{result.reused} bản tin dùng lại."
        ]
        if result.kept:
            lines.append(
                f"Giữ nguyên {len(result.kept)} danh sách phát của ngày đã bắt đầu hoặc đã "
                "phát: đó là hồ sơ, không làm lại."
            )
        lines += [f"Bản tin đọc bằng bộ đọc dự phòng: {fb}" for fb in result.fallbacks]
        lines += [f"Cảnh báo: {w}" for w in project.warnings]
        lines += [str(p.relative_to(out)) for p in result.playlists]
        if project.skipped:
            raise SkippedScripts(project.skipped)
        return lines

    return work


@page("operator")
async def build_start(request: Request) -> Response:
    day = _date(str(request.state.form.get("date", "")))
    user = request.state.user.name
    job = request.app.state.jobs.start(
        f"Làm danh sách phát ngày {day:%d/%m/%Y}",
        user,
        build_day(request.app.state.root, request.app.state.out, day),
    )
    request.app.state.store.record(user, "làm danh sách phát", day.isoformat())
    return RedirectResponse(f"/jobs/{job.id}?date={day.isoformat()}", status_code=303)


@page()
async def job_page(request: Request) -> Response:
    job = request.app.state.jobs.get(request.path_params["job"])
    if job is None:
        return render(request, "error.html", 404, title="Lỗi", what="Không có việc này")
    return render(request, "job.html", job=job, date=request.query_params.get("date", ""))


def _emergency_choices(root: Path, project) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """(id, title) of each script and (id, name) of each group and station, as the form
    shows them: officers pick by title and name, the id stays small beside it."""
    scripts = []
    for path in script_paths(root):
        try:
            title = load_script(path).meta.title
        except Exception:  # noqa: BLE001 - a script with an error is listed by its id
            title = path.stem
        scripts.append((path.stem, title))
    sched = project.schedule
    groups = {"all": "Tất cả các đài", "fm": "Mọi đài FM", "loudspeaker": "Mọi cụm loa"}
    targets = [(g, groups.get(g, f"Nhóm {g}")) for g in sched.groups]
    targets += [(sid, st.name) for sid, st in sched.stations.items()]
    return sorted(scripts, key=lambda s: s[1].lower()), targets


@page("operator")
async def emergency_form(request: Request) -> Response:
    from ..emergency.queue import load_queue

    root, out = request.app.state.root, request.app.state.out
    project = await run_in_threadpool(load_project, root, False)
    scripts, targets = await run_in_threadpool(_emergency_choices, root, project)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    return render(
        request,
        "emergency.html",
        scripts=scripts,
        targets=targets,
        queued=list(reversed(load_queue(out, since=since))),
        confirm=None,
    )


@page("operator")
async def emergency_send(request: Request) -> Response:
    from ..build.emergency import send_emergency
    from ..project.approval import check_script_id

    form = request.state.form
    sid = check_script_id(str(form.get("script", "")))
    names = [str(n) for n in form.getlist("targets")] or ["all"]
    cut = form.get("now") == "1"
    root, out = request.app.state.root, request.app.state.out
    path = check_within(root, root / "scripts" / f"{sid}.md")
    script = load_script(path)
    if form.get("confirm") != "yes":
        project = await run_in_threadpool(load_project, root, False)
        _, targets = await run_in_threadpool(_emergency_choices, root, project)
        label = dict(targets)
        stations = project.schedule.resolve_targets(names)
        return render(
            request,
            "emergency.html",
            scripts=[(sid, script.meta.title)],
            targets=[],
            queued=[],
            confirm={
                "script": script,
                "names": names,
                "labels": [label.get(n, n) for n in names],
                "stations": [(s, label.get(s, s)) for s in stations],
                "now": cut,
            },
        )

    def work():  # type: ignore[no-untyped-def]
        # never behind a preview: no render_lock (eSpeak's own lock is held per call, a
        # fraction of a second; the playlists' refresh takes the build lock of its own)
        return send_emergency(load_project(root, strict=False), script, names, cut, out)

    entry, refreshed = await run_in_threadpool(work)
    request.app.state.store.record(
        request.state.user.name,
        "phát khẩn cấp",
        sid,
        f"{', '.join(entry.stations)}{' (ngắt ngay)' if cut else ''}; mã {entry.id}",
    )
    return RedirectResponse(f"/emergency/{quote(entry.id)}?sent=1", status_code=303)


def _log(request: Request) -> AsRunLog | None:
    path = asrun_path(request.app.state.out)
    return AsRunLog(path) if path.is_file() else None


@page()
async def asrun_page(request: Request) -> Response:
    from ..playout.status import duration_words
    from .pages_air import RESULTS

    day = _date(request.query_params.get("date"))
    log = _log(request)
    # what was planned, from the record: the log's planned rows, else (a log moved aside,
    # a day built while the log could not be written) the frozen running order file
    recs = await run_in_threadpool(records, log, day, day, request.app.state.out)
    planned = [p for rec in recs.values() for p in rec.items]
    from_file = {sid for (_, sid), rec in recs.items() if rec.origin == FROM_FILE}
    plays = log.plays(day, day) if log else []
    project = await run_in_threadpool(load_project, request.app.state.root, False)
    # a past day is shown with the names it was built with, not today's (issue 18)
    names = {sid: st.name for sid, st in project.schedule.stations.items()}
    names.update(frozen_names(recs.values()))
    results: dict[tuple[str, str, str], str] = {}
    for p in plays:  # the last word on each planned item
        results[(p.station_id, p.script_id, p.start.isoformat())] = RESULTS.get(p.result, p.result)
    stations: dict[str, list[dict[str, object]]] = {}
    for item in planned:
        stations.setdefault(item.station_id, []).append(
            {
                "item": item,
                "length": duration_words(item.duration_s),
                "result": results.get((item.station_id, item.script_id, item.start.isoformat())),
            }
        )
    return render(
        request,
        "asrun.html",
        day=day,
        planned=planned,
        stations=stations,
        names=names,
        plays=plays,
        results=RESULTS,
        has_log=log is not None,
        from_file=from_file,
    )


@page("operator")
async def asrun_confirm(request: Request) -> Response:
    """Confirm one station's day: first a page that lists what will be confirmed, then
    (``confirm=yes``) the confirmation. Never every station in one click."""
    form = request.state.form
    day = _date(str(form.get("date", "")))
    log = _log(request)
    if log is None:
        raise InputError(
            "Chưa có nhật ký phát sóng", fix="làm danh sách phát (trang Lịch phát) trước"
        )
    station = str(form.get("station", ""))
    planned = log.planned(day, day, station) if station and station != "all" else []
    if not planned:
        raise InputError(
            f"Chưa có lịch đã lập cho đài '{station}' ngày {day:%d/%m/%Y}"
            if station and station != "all"
            else "Cần chọn một đài để xác nhận",
            fix="xác nhận từng đài ở trang Nhật ký (nút 'Xác nhận cả ngày' của đài đó)",
        )
    if form.get("confirm") != "yes":
        project = await run_in_threadpool(load_project, request.app.state.root, False)
        st = project.schedule.stations.get(station)
        aired = {
            (p.script_id, p.start)
            for p in log.plays(day, day, station)
            if p.aired or p.note.startswith(NOT_AIRED_NOTE)
        }
        return render(
            request,
            "asrun_confirm.html",
            day=day,
            station=station,
            station_name=st.name if st else station,
            items=[p for p in planned if (p.script_id, p.start) not in aired],
            total=len(planned),
        )
    added = log.confirm_day(day, station)
    request.app.state.store.record(
        request.state.user.name,
        "xác nhận đã phát",
        day.isoformat(),
        f"{station}: {added}",
    )
    return RedirectResponse(f"/asrun?date={day.isoformat()}#st-{station}", status_code=303)


def _report(request: Request):  # type: ignore[no-untyped-def]
    q = request.query_params
    end = _date(q.get("to"))
    start = _date(q.get("from"), end - dt.timedelta(days=30))
    if end < start:
        raise InputError("Ngày 'đến' đứng trước ngày 'từ'", fix="đổi lại hai ngày cho đúng")
    log = _log(request)
    if log is None:
        raise InputError(
            "Chưa có nhật ký phát sóng",
            where=str(asrun_path(request.app.state.out)),
            fix="làm danh sách phát (trang Lịch phát) và xác nhận đã phát trước",
        )
    from ..report.compliance import TZ

    # the CLI's report, every section and the approvals appendix, from the record
    rep = make_report(
        request.app.state.root, log, start, end, dt.datetime.now(TZ), request.app.state.out
    )
    return start, end, rep


@page()
async def report_page(request: Request) -> Response:
    start, end, rep = await run_in_threadpool(_report, request)
    return render(
        request,
        "report.html",
        start=start,
        end=end,
        report=rep,
        tables=tables(rep),
        compliance=compliance_rows(rep) if rep.compliance is not None else None,
        compliance_title=COMPLIANCE_TITLE,
        compliance_header=COMPLIANCE_HEADER,
        unbuilt_title=UNBUILT_TITLE,
        unbuilt=unbuilt_lines(rep),
        approvals=rep.approvals,
        approvals_header=APPROVALS_HEADER,
    )


@page()
async def report_download(request: Request) -> Response:
    start, end, rep = await run_in_threadpool(_report, request)
    fmt = request.query_params.get("format", "csv")
    name = f"bao-cao-{start.isoformat()}-{end.isoformat()}"
    if fmt == "docx":
        from ..report.docx import build_docx

        doc = build_docx(rep)  # with the approvals appendix when the project uses approval
        buf = io.BytesIO()
        doc.save(buf)
        body, media = (
            buf.getvalue(),
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        )
    elif fmt == "csv":
        # Excel on a Vietnamese PC: UTF-8 BOM, ";" and decimal commas
        body, media = to_csv(rep, EXCEL).encode("utf-8"), "text/csv; charset=utf-8"
    elif fmt == "duyet":
        rows: list[list[object]] = [["kich_ban", "phien_ban", "nguoi_duyet", "thoi_gian", "loai"]]
        for a in approvals_between(request.app.state.approvals, start, end, baseline=True):
            rows.append([a.script_id, a.version, a.by, a.at, a.kind])
        body, media, name = (
            write_rows(rows, EXCEL).encode("utf-8"),
            "text/csv; charset=utf-8",
            (f"so-duyet-{start.isoformat()}-{end.isoformat()}"),
        )
        fmt = "csv"
    else:
        raise InputError(f"Không có dạng báo cáo '{fmt}'", fix="chọn docx hoặc csv")
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"},
    )


routes = [
    Route("/plan", plan_page, methods=["GET"]),
    Route("/plan/build", build_start, methods=["POST"]),
    Route("/jobs/{job}", job_page, methods=["GET"]),
    Route("/emergency", emergency_form, methods=["GET"]),
    Route("/emergency", emergency_send, methods=["POST"]),
    Route("/asrun", asrun_page, methods=["GET"]),
    Route("/asrun/confirm", asrun_confirm, methods=["POST"]),
    Route("/report", report_page, methods=["GET"]),
    Route("/report/download", report_download, methods=["GET"]),
]
