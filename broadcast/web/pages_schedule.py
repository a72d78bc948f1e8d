"""Schedules in the browser, first part: the stations (issue 19).

Everyone sees the stations by name; an operator changes a station's name and dialect.
Saving goes through :mod:`project.yamledit`: the same ``schedules/stations.yaml`` an
officer edits by hand, comments and key order kept, checked by the schedule loader first.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import BroadcastError, InputError
from ..project import yamledit
from ..project.loader import load_project
from .guard import page, render
from .words import DIALECT_NAMES


def _stations_page(request: Request, error: BroadcastError | None = None) -> Response:
    root: Path = request.app.state.root
    path = root / "schedules" / yamledit.STATIONS
    project = load_project(root, strict=False)
    return render(
        request,
        "stations.html",
        400 if error else 200,
        stations=list(project.schedule.stations.values()),
        dialects=DIALECT_NAMES,
        based_on=yamledit.text_hash(path.read_text(encoding="utf-8")),
        error=error,
    )


@page()
async def stations_page(request: Request) -> Response:
    return _stations_page(request)


@page("operator")
async def save_station(request: Request) -> Response:
    root: Path = request.app.state.root
    folder = root / "schedules"
    sid = request.path_params["sid"]
    form = request.state.form
    changes = {
        "name": str(form.get("name", "")).strip(),
        "dialect": str(form.get("dialect", "")),
    }
    try:
        if not changes["name"]:
            raise InputError(
                "Tên đài đang để trống", where="tên đài", fix="ghi tên đài, ví dụ 'Loa xóm B'"
            )
        if changes["dialect"] not in DIALECT_NAMES:
            raise InputError("Chưa chọn giọng", where="giọng", fix="chọn một giọng")
        with request.app.state.write_lock:
            text = (folder / yamledit.STATIONS).read_text(encoding="utf-8")
            new = yamledit.edit_station(text, sid, changes)
            yamledit.save(folder, yamledit.STATIONS, new, str(form.get("based_on", "")))
    except BroadcastError as exc:
        return _stations_page(request, exc)
    request.app.state.store.record(
        request.state.user.name,
        "sửa đài",
        sid,
        f"tên: {changes['name']}; {DIALECT_NAMES[changes['dialect']]}",
    )
    return RedirectResponse("/stations", status_code=303)


routes = [
    Route("/stations", stations_page, methods=["GET"]),
    Route("/stations/{sid}", save_station, methods=["POST"]),
]
