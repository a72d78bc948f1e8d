"""On-air pages: what ``broadcast run`` plays now at each station, one queued emergency
(watch it go on air, cancel it, download it as CAP 1.2), and the as-run log's per-station
confirmation and per-item "not aired" marks, each with a confirmation step.

Each calls what its CLI command calls: :func:`broadcast.playout.status.read_status`
(broadcast status), :func:`broadcast.build.emergency.cancel_emergency` (broadcast
emergency --cancel), :func:`broadcast.build.emergency.cap_alert` (--cap-out),
``AsRunLog.confirm_day`` / ``mark_not_aired`` (broadcast asrun).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..emergency.queue import find
from ..errors import InputError
from ..playout.status import STALE_S, duration_words, read_status
from ..project.loader import load_project
from ..report.asrun import AsRunLog, asrun_path
from ..schedule.planner import QueuedBulletin
from ..vocabulary import TIMEZONE
from .guard import page, render

#: seconds between two reloads of the on-air and emergency pages
REFRESH_S = 10
RESULTS = {
    "played": "đã phát",
    "failed": "phát lỗi",
    "skipped": "không phát",
    "confirmed": "xác nhận",
    "imported": "nhập",
}


def _now() -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(TIMEZONE))


def when(text: Any) -> str:
    """An ISO time as dd/mm/yyyy hh:mm:ss ("" for nothing)."""
    if not text:
        return ""
    try:
        return f"{dt.datetime.fromisoformat(str(text)):%d/%m/%Y %H:%M:%S}"
    except ValueError:
        return str(text)


def _names(request: Request) -> dict[str, str]:
    project = load_project(request.app.state.root, strict=False)
    return {sid: st.name for sid, st in project.schedule.stations.items()}


@page()
async def onair_page(request: Request) -> Response:
    names = await run_in_threadpool(_names, request)
    st = read_status(request.app.state.out, _now(), STALE_S)
    rows = []
    for sid in list(names) + sorted(set(st.stations) - set(names)):
        raw = st.stations.get(sid) or {}
        on = raw.get("on_air") if st.alive else None
        nxt, last, err = raw.get("next"), raw.get("last"), raw.get("error")
        rows.append(
            {
                "id": sid,
                "name": names.get(sid) or raw.get("name") or sid,
                "on_air": on
                and {
                    "title": on.get("title"),
                    "since": when(on.get("start")),
                    "length": duration_words(float(on.get("seconds") or 0)),
                },
                "next": nxt and {"title": nxt.get("title"), "at": when(nxt.get("at"))},
                "last": last
                and {
                    "title": last.get("title"),
                    "result": RESULTS.get(last.get("result"), last.get("result")),
                    "ok": last.get("result") == "played",
                    "at": when(last.get("start")),
                    "aired": duration_words(float(last.get("aired_s") or 0)),
                    "note": last.get("note") or "",
                },
                "error": err and {"text": err.get("text"), "at": when(err.get("at"))},
            }
        )
    return render(
        request,
        "onair.html",
        alive=st.alive,
        why=st.why,
        heartbeat=when(st.doc.get("heartbeat")),
        ago=duration_words(st.age_s) if st.age_s is not None else "",
        daemon_error=st.doc.get("error"),
        pid=st.doc.get("pid"),
        rows=rows,
        refresh=REFRESH_S,
        stale_s=int(STALE_S),
    )


def _entry(request: Request) -> QueuedBulletin:
    qid = request.path_params["id"]
    entry = find(request.app.state.out, qid)
    if entry is None:
        raise InputError(
            "Không có bản tin khẩn cấp này trong hàng đợi (đã hủy, hoặc đã quá 2 ngày)",
            where="hàng đợi khẩn cấp",
            fix="mở lại trang Khẩn cấp",
        )
    return entry


def _aired(request: Request, entry: QueuedBulletin) -> dict[str, tuple[str, str]]:
    """Each station's result for the entry in the as-run log: (result words, time)."""
    path = asrun_path(request.app.state.out)
    if not path.is_file():
        return {}
    day = entry.created.date()
    out = {}
    for p in AsRunLog(path).plays(day, day + dt.timedelta(days=1)):
        if p.source == entry.id:
            out[p.station_id] = (RESULTS.get(p.result, p.result), f"{p.start:%H:%M:%S}")
    return out


@page("operator")
async def emergency_entry(request: Request) -> Response:
    entry = _entry(request)
    names = await run_in_threadpool(_names, request)
    aired = _aired(request, entry)
    stations = [
        {
            "id": sid,
            "name": names.get(sid, sid),
            "state": aired.get(sid, ("đang chờ phát", ""))[0],
            "at": aired.get(sid, ("", ""))[1],
            "done": sid in aired,
            "how": "ngắt bản tin đang phát (nhỏ dần tiếng), phát ngay"
            if entry.policy.get(sid, {}).get("interrupt", "now" if entry.now else "") == "now"
            else "phát ngay sau bản tin đang phát",
        }
        for sid in entry.stations
    ]
    return render(
        request,
        "emergency_entry.html",
        entry=entry,
        created=f"{entry.created:%d/%m/%Y %H:%M:%S}",
        stations=stations,
        waiting=any(not s["done"] for s in stations),
        refresh=REFRESH_S,
        sent=request.query_params.get("sent") == "1",
        cancel=request.query_params.get("cancel") == "1",
    )


@page("operator")
async def emergency_cancel(request: Request) -> Response:
    from ..build.emergency import cancel_emergency

    entry = _entry(request)
    if request.state.form.get("confirm") != "yes":
        return RedirectResponse(f"/emergency/{quote(entry.id)}?cancel=1", status_code=303)
    root, out = request.app.state.root, request.app.state.out

    def work():  # type: ignore[no-untyped-def]
        # never behind a preview (no render_lock): the playlists' refresh takes the build lock
        return cancel_emergency(load_project(root, strict=False), out, entry.id)

    gone, _ = await run_in_threadpool(work)
    aired = _aired(request, gone)
    request.app.state.store.record(
        request.state.user.name,
        "hủy khẩn cấp",
        gone.script_id,
        f"{gone.id}; đã phát trước khi hủy: {', '.join(sorted(aired)) or 'không đài nào'}",
    )
    return render(request, "emergency_cancelled.html", entry=gone, aired=sorted(aired))


@page("operator")
async def emergency_cap(request: Request) -> Response:
    from ..build.emergency import cap_alert
    from ..files.confined import within
    from ..project.scripts import load_script

    entry = _entry(request)
    root, out = request.app.state.root, request.app.state.out
    candidates = [root / "scripts" / f"{entry.script_id}.md"]
    candidates.append(out / "emergency" / "cap" / f"{entry.script_id}.md")
    path = next(
        (p for p in candidates if p.is_file() and (within(root, p) or within(out, p))), None
    )
    if path is None:
        raise InputError(
            f"Không còn kịch bản '{entry.script_id}' của bản tin khẩn cấp này",
            where="thư mục scripts",
            fix="dùng 'broadcast emergency --cap-out' khi gửi để có cảnh báo CAP",
        )

    def work() -> bytes:
        project = load_project(root, strict=False)
        data, _ = cap_alert(
            project, load_script(path), entry, out, "Actual", "Safety", None, Path(out)
        )
        return data

    data = await run_in_threadpool(work)
    request.app.state.store.record(request.state.user.name, "tải cảnh báo CAP", entry.id)
    return Response(
        data,
        media_type="application/xml",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(entry.id)}.cap.xml"},
    )


def _log(request: Request) -> AsRunLog:
    path = asrun_path(request.app.state.out)
    if not path.is_file():
        raise InputError(
            "Chưa có nhật ký phát sóng", fix="làm danh sách phát (trang Lịch phát) trước"
        )
    return AsRunLog(path)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError("Ngày không hợp lệ", where="ngày", fix="chọn ngày trong lịch") from None


@page("operator")
async def not_aired(request: Request) -> Response:
    """GET: the confirmation step (the item, a reason to write); POST: mark it."""
    form = request.state.form if request.method == "POST" else request.query_params
    day = _day(str(form.get("date", "")))
    station = str(form.get("station", ""))
    try:
        seq = int(str(form.get("seq", "")))
    except ValueError:
        raise InputError("Không rõ bản tin nào", fix="tải lại trang nhật ký") from None
    log = _log(request)
    item = next((p for p in log.planned(day, day, station) if p.seq == seq), None)
    if item is None:
        raise InputError(
            f"Không có bản tin này trong lịch ngày {day:%d/%m/%Y}", fix="tải lại trang nhật ký"
        )
    names = await run_in_threadpool(_names, request)
    reason = str(form.get("reason", "")).strip()
    if request.method == "GET" or form.get("confirm") != "yes" or not reason:
        return render(
            request,
            "asrun_not_aired.html",
            day=day,
            item=item,
            station_name=names.get(station, station),
            reason=reason,
            error="Cần ghi lý do không phát." if request.method == "POST" else None,
        )
    log.mark_not_aired(day, station, seq, reason, request.state.user.name)
    request.app.state.store.record(
        request.state.user.name,
        "ghi không phát",
        day.isoformat(),
        f"{station} {item.start:%H:%M} {item.script_id}: {reason}",
    )
    return RedirectResponse(f"/asrun?date={day.isoformat()}#st-{station}", status_code=303)


routes = [
    Route("/onair", onair_page, methods=["GET"]),
    Route("/emergency/{id}", emergency_entry, methods=["GET"]),
    Route("/emergency/{id}/cancel", emergency_cancel, methods=["POST"]),
    Route("/emergency/{id}/cap", emergency_cap, methods=["GET"]),
    Route("/asrun/not-aired", not_aired, methods=["GET", "POST"]),
]
