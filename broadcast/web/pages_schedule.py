"""Schedules in the browser: stations, groups, windows and limits (issue 19).

Everyone sees the stations by name; an operator adds a station, changes a station's name
and dialect, its windows (the hours it airs) and limits, the limits every station
follows, and the named groups campaigns air to. All of it lives in
``schedules/stations.yaml``; saving goes through :mod:`project.yamledit`: the same file an
officer edits by hand, comments and key order kept, checked by the schedule loader
(``check``'s rules) first, refused with both versions when it changed meanwhile, audited.
(Campaigns are in :mod:`pages_campaigns`.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errors import BroadcastError, InputError
from ..files import atomic
from ..project import yamledit
from ..project.converters import to_seconds, to_weekday, to_window, whole_number
from ..project.loader import BUILTIN_GROUPS
from ..project.schedule import ID, Station
from ..project.validation import ID_RULE, MAX_ID, slug
from . import checknotes
from .guard import page, render
from .pages_campaigns import GROUP_WORDS
from .words import DIALECT_NAMES, WEEKDAY_NAMES, vn_duration

#: who changes stations, groups, windows and limits: the operator, as for names
STATION_EDITORS = ("operator",)
KIND_NAMES = {"fm": "đài FM của xã", "loudspeaker": "cụm loa xóm"}
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WINDOW_ROWS = 4
#: YAML key -> what the form calls it (the loader's messages name keys)
STATION_LABELS = {
    "windows": "Khung giờ phát",
    "max_sessions_per_day": "Số buổi tối đa mỗi ngày",
    "max_session": "Mỗi buổi dài tối đa",
    "weekdays": "Các ngày được phát",
    "name": "Tên đài",
    "id": "Mã đài",
    "kind": "Loại đài",
    "dialect": "Giọng",
    "groups": "Nhóm",
}


def officer_words(err: BroadcastError, edited: str = yamledit.STATIONS) -> str:
    """A loader message for the stations pages: keys as the form names them, and the
    other file named when the problem is there (a campaign naming a removed group)."""
    text = err.what + (f" — cách sửa: {err.fix}" if err.fix else "")
    for key, label in STATION_LABELS.items():
        text = text.replace(f"'{key}'", f"«{label}»")
    where = (err.where or "").split(",")[0].strip()
    if where and where != edited and where.endswith(".yaml"):
        text += f" (trong tệp lịch {where})"
    return text


def _schedule(request: Request) -> Any:
    """The schedule as far as it loads (None: the stations file does not load yet)."""
    return yamledit.load_for_editing(request.app.state.root).schedule


def _loaded(request: Request) -> yamledit.Loaded:
    return yamledit.load_for_editing(request.app.state.root)


def _stations_file(request: Request) -> Path:
    return request.app.state.root / "schedules" / yamledit.STATIONS


def _stations_page(
    request: Request,
    error: BroadcastError | None = None,
    conflict: yamledit.Conflict | None = None,
    problems: list[str] | None = None,
    add: dict[str, str] | None = None,
) -> Response:
    path = _stations_file(request)
    loaded = _loaded(request)
    sched = loaded.schedule
    status = 400 if (error or problems) else 409 if conflict else 200
    text = yamledit.current_text(path)
    head = yamledit.load(text) if text.strip() else None
    has_stations = isinstance(head, dict) and bool(head.get("stations"))
    return render(
        request,
        "stations.html",
        status,
        stations=list(sched.stations.values()) if sched else [],
        dialects=DIALECT_NAMES,
        kinds=KIND_NAMES,
        based_on=yamledit.text_hash(text),
        # a new project (no station yet) has nothing wrong: it is not written yet
        error=error
        or (None if sched or not loaded.errors or not has_stations else loaded.errors[0]),
        notes=checknotes.take(request),
        needs_commune=not (isinstance(head, dict) and head.get("commune")),
        problems=problems or [],
        conflict=conflict,
        add=add
        or {
            "name": "",
            "id": "",
            "kind": "loudspeaker",
            "dialect": "north",
            "windows": "",
            "commune": "",
        },
        may_edit=request.state.user.role in STATION_EDITORS,
    )


def save_stations_file(
    request: Request, based_on: str, change: Callable[[str], str]
) -> tuple[str | None, yamledit.Conflict | None, list[str]]:
    """Apply ``change`` to stations.yaml under the write lock: (new text, None, []) when
    written; a conflict, or the loader's problems in the form's words, when refused."""
    folder = request.app.state.root / "schedules"
    path = folder / yamledit.STATIONS
    with request.app.state.write_lock:
        now = yamledit.current_text(path)
        yours = change(now)
        try:
            yamledit.refuse_if_changed(path, based_on, yours)
        except yamledit.Conflict as exc:
            return None, exc, []
        found = yamledit.problems(folder, yamledit.STATIONS, yours)
        if found:
            return None, None, [officer_words(e) for e in found]
        if yours != now:
            atomic.write_text(path, yours)
    return yours, None, []


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
    except yamledit.Conflict as exc:
        return _stations_page(request, exc, conflict=exc)
    except BroadcastError as exc:  # the loader's words for the file, as the form says them
        return _stations_page(request, InputError(officer_words(exc), where=exc.where))
    request.app.state.store.record(
        request.state.user.name,
        "sửa đài",
        sid,
        f"tên: {changes['name']}; {DIALECT_NAMES[changes['dialect']]}",
    )
    return RedirectResponse("/stations", status_code=303)


def _windows_of(form: Any) -> list[str]:
    """The window rows of a form, each written '05:30-05:45' (rows left empty dropped)."""
    out = []
    for i in range(WINDOW_ROWS):
        start = str(form.get(f"start_{i}", "")).strip()
        end = str(form.get(f"end_{i}", "")).strip()
        if start or end:
            out.append(f"{start}-{end}")
    return out


def _check_windows(windows: list[str]) -> list[str]:
    """The windows written as officers write them ('05:30-05:45'); a wrong one raises."""
    out = []
    for w in windows:
        try:
            a, b = to_window(w)
            out.append(f"{a:%H:%M}-{b:%H:%M}")
        except ValueError as exc:
            raise InputError(
                f"«Khung giờ phát»: {exc}".replace(
                    "viết 05:30-06:30", "ghi giờ bắt đầu và giờ kết thúc, ví dụ 05:30 và 06:30"
                ),
                where="khung giờ",
                fix="sửa giờ trong ô",
            ) from None
    return out


@page(*STATION_EDITORS)
async def add_station(request: Request) -> Response:
    form = request.state.form
    add = {
        k: str(form.get(k, "")).strip()
        for k in ("name", "id", "kind", "dialect", "windows", "commune")
    }
    add["id"] = add["id"] or slug(add["name"])
    windows = [w.strip() for w in re.split(r"[,;]+", add["windows"]) if w.strip()]
    try:
        if not add["name"]:
            raise InputError(
                "Tên đài đang để trống", where="tên đài", fix="ghi tên đài, ví dụ 'Loa xóm Đồng'"
            )
        if not re.match(ID, add["id"]):
            raise InputError(
                f"Mã đài '{add['id'][:MAX_ID]}': {ID_RULE}",
                where="mã đài",
                fix=f"ghi {slug(add['id']) or 'xom-moi'}",
            )
        if add["kind"] not in KIND_NAMES:
            raise InputError("Chưa chọn loại đài", where="loại đài", fix="chọn một loại")
        if add["dialect"] not in DIALECT_NAMES:
            raise InputError("Chưa chọn giọng", where="giọng", fix="chọn một giọng")
        windows = _check_windows(windows)
    except BroadcastError as exc:
        return _stations_page(request, exc, add=add)
    values: dict[str, Any] = {
        "id": add["id"],
        "name": add["name"],
        "kind": add["kind"],
        "dialect": add["dialect"],
        "windows": windows,
    }
    written, conflict, problems = save_stations_file(
        request,
        str(form.get("based_on", "")),
        lambda text: yamledit.add_station(text, values, add["commune"]),
    )
    if written is None:
        return _stations_page(request, conflict=conflict, problems=problems, add=add)
    request.app.state.store.record(
        request.state.user.name,
        "thêm đài",
        add["id"],
        f"{add['name']}; {KIND_NAMES[add['kind']]}; {DIALECT_NAMES[add['dialect']]}; "
        f"khung giờ {', '.join(windows) or 'chưa có'}",
    )
    checknotes.keep(request, [add["id"]])
    return RedirectResponse(f"/stations#station-{add['id']}", status_code=303)


def _limits_form(limits: Any) -> dict[str, Any]:
    return {
        "max_sessions_per_day": str(limits.max_sessions_per_day or ""),
        "max_session": str(int(limits.max_session // 60)) if limits.max_session else "",
        "weekdays": list(limits.weekdays or []),
    }


def _weekdays_of(form: Any) -> list[int]:
    """The weekday boxes ticked (0 = Monday), once each; what is not a day number is
    dropped (a form only ever sends 0-6)."""
    found = {whole_number(str(d)) for d in form.getlist("weekday")}
    return sorted(d for d in found if d is not None)


def _limits_of(form: Any) -> dict[str, Any]:
    """The ``limits`` values a form asks for; None: not set (the default applies)."""
    sessions = str(form.get("max_sessions_per_day", "")).strip()
    minutes = str(form.get("max_session", "")).strip()
    days = sorted(d for d in _weekdays_of(form) if d < 7)
    if (n := whole_number(minutes)) is not None:
        minutes = f"{n}m"
    count = whole_number(sessions)
    return {
        "max_sessions_per_day": count if count is not None else (sessions or None),
        "max_session": minutes or None,
        "weekdays": [WEEKDAY_KEYS[d] for d in days] or None,
    }


def _air_page(
    request: Request,
    sid: str,
    status: int = 200,
    problems: list[str] | None = None,
    conflict: yamledit.Conflict | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    sched = _schedule(request)
    if sched is None:
        return RedirectResponse("/stations", status_code=303)
    st: Station | None = sched.stations.get(sid)
    if st is None:
        return render(
            request,
            "error.html",
            404,
            title="Không có đài",
            what=f"Không có đài '{sid}'",
            where="",
            fix="mở trang Các đài và chọn lại",
        )
    path = _stations_file(request)
    doc = yamledit.load(path.read_text(encoding="utf-8"))
    raw: Any = next((r for r in doc.get("stations") or [] if str(r.get("id")) == sid), {})
    own = dict(raw.get("limits") or {})
    if form is None:
        windows = [(f"{a:%H:%M}", f"{b:%H:%M}") for a, b in st.windows]
        form = {"windows": windows, **_limits_form(st.limits)}
        for key in ("max_sessions_per_day", "max_session", "weekdays"):
            if key not in own:
                form[key] = [] if key == "weekdays" else ""
    rows = list(form["windows"]) + [("", "")] * WINDOW_ROWS
    defaults = (doc.get("defaults") or {}).get("limits") or {}
    return render(
        request,
        "station_air.html",
        status,
        st=st,
        form={**form, "windows": rows[:WINDOW_ROWS]},
        kinds=KIND_NAMES,
        defaults=_default_words(defaults),
        weekdays=list(enumerate(WEEKDAY_NAMES)),
        based_on=yamledit.text_hash(path.read_text(encoding="utf-8")),
        problems=problems or [],
        conflict=conflict,
        may_edit=request.state.user.role in STATION_EDITORS,
    )


def _default_words(defaults: Any) -> dict[str, str]:
    out = {}
    if defaults.get("max_sessions_per_day"):
        out["max_sessions_per_day"] = f"{defaults['max_sessions_per_day']} buổi"
    if defaults.get("max_session"):
        try:
            out["max_session"] = vn_duration(to_seconds(defaults["max_session"]))
        except ValueError:
            out["max_session"] = str(defaults["max_session"])
    if defaults.get("weekdays"):
        try:
            days = [WEEKDAY_NAMES[to_weekday(d)] for d in defaults["weekdays"]]
        except ValueError:
            days = [str(d) for d in defaults["weekdays"]]
        out["weekdays"] = "thường chỉ phát " + ", ".join(days)
    return out


@page()
async def air_page(request: Request) -> Response:
    return _air_page(request, request.path_params["sid"])


@page(*STATION_EDITORS)
async def save_air(request: Request) -> Response:
    sid = request.path_params["sid"]
    form = request.state.form
    windows = _windows_of(form)
    limits = _limits_of(form)
    shown = {
        "windows": [tuple(w.split("-", 1)) for w in windows],
        "max_sessions_per_day": str(form.get("max_sessions_per_day", "")),
        "max_session": str(form.get("max_session", "")),
        "weekdays": _weekdays_of(form),
    }
    try:
        windows = _check_windows(windows)
    except BroadcastError as exc:
        return _air_page(request, sid, 400, [officer_words(exc)], form=shown)
    written, conflict, problems = save_stations_file(
        request,
        str(form.get("based_on", "")),
        lambda text: yamledit.set_limits(yamledit.set_windows(text, sid, windows), sid, limits),
    )
    if written is None:
        return _air_page(request, sid, 409 if conflict else 400, problems, conflict, shown)
    request.app.state.store.record(
        request.state.user.name,
        "sửa khung giờ và giới hạn",
        sid,
        f"khung giờ {', '.join(windows) or 'không có'}; "
        + "; ".join(f"{STATION_LABELS[k]}: {v}" for k, v in limits.items() if v is not None),
    )
    checknotes.keep(request, [sid])
    return RedirectResponse(f"/stations#station-{sid}", status_code=303)


def _limits_page(
    request: Request,
    status: int = 200,
    problems: list[str] | None = None,
    conflict: yamledit.Conflict | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    path = _stations_file(request)
    text = yamledit.current_text(path)
    doc = yamledit.load(text) if text.strip() else None
    own: Any = ((doc or {}).get("defaults") or {}).get("limits") or {}
    if form is None:
        minutes = ""
        if own.get("max_session"):
            try:
                minutes = str(int(to_seconds(own["max_session"]) // 60))
            except ValueError:
                minutes = str(own["max_session"])
        try:
            days = [to_weekday(d) for d in own.get("weekdays") or []]
        except ValueError:
            days = []
        form = {
            "max_sessions_per_day": str(own.get("max_sessions_per_day") or ""),
            "max_session": minutes,
            "weekdays": days,
        }
    return render(
        request,
        "limits.html",
        status,
        form=form,
        weekdays=list(enumerate(WEEKDAY_NAMES)),
        based_on=yamledit.text_hash(text),
        problems=problems or [],
        conflict=conflict,
        may_edit=request.state.user.role in STATION_EDITORS,
    )


@page()
async def limits_page(request: Request) -> Response:
    return _limits_page(request)


@page(*STATION_EDITORS)
async def save_limits(request: Request) -> Response:
    form = request.state.form
    limits = _limits_of(form)
    shown = {
        "max_sessions_per_day": str(form.get("max_sessions_per_day", "")),
        "max_session": str(form.get("max_session", "")),
        "weekdays": _weekdays_of(form),
    }
    written, conflict, problems = save_stations_file(
        request,
        str(form.get("based_on", "")),
        lambda text: yamledit.set_limits(text, None, limits),
    )
    if written is None:
        return _limits_page(request, 409 if conflict else 400, problems, conflict, shown)
    request.app.state.store.record(
        request.state.user.name,
        "sửa giới hạn chung",
        "mọi đài",
        "; ".join(f"{STATION_LABELS[k]}: {v}" for k, v in limits.items() if v is not None)
        or "không giới hạn",
    )
    return RedirectResponse("/stations", status_code=303)


def _groups_page(
    request: Request,
    status: int = 200,
    problems: list[str] | None = None,
    conflict: yamledit.Conflict | None = None,
    new: dict[str, Any] | None = None,
) -> Response:
    sched = _schedule(request)
    if sched is None:
        return RedirectResponse("/stations", status_code=303)
    path = _stations_file(request)
    named = {n: m for n, m in sched.groups.items() if n not in BUILTIN_GROUPS}
    return render(
        request,
        "groups.html",
        status,
        stations=list(sched.stations.values()),
        builtin=[(GROUP_WORDS[n], n, sched.groups[n]) for n in BUILTIN_GROUPS],
        named=named,
        based_on=yamledit.text_hash(path.read_text(encoding="utf-8")),
        problems=problems or [],
        conflict=conflict,
        new=new or {"name": "", "members": []},
        may_edit=request.state.user.role in STATION_EDITORS,
    )


@page()
async def groups_page(request: Request) -> Response:
    return _groups_page(request)


@page(*STATION_EDITORS)
async def save_group(request: Request) -> Response:
    form = request.state.form
    name = str(form.get("name", "")).strip() or request.path_params.get("name", "")
    members = [str(m) for m in form.getlist("member")]
    new = {"name": name, "members": members}
    if not re.match(ID, name):
        return _groups_page(
            request,
            400,
            [f"Tên nhóm '{name[:MAX_ID]}': {ID_RULE} — cách sửa: ghi {slug(name) or 'cac-xom'}"],
            new=new,
        )
    if not members:
        return _groups_page(
            request, 400, ["Nhóm chưa có đài nào — cách sửa: chọn ít nhất một đài"], new=new
        )
    written, conflict, problems = save_stations_file(
        request, str(form.get("based_on", "")), lambda text: yamledit.set_group(text, name, members)
    )
    if written is None:
        return _groups_page(request, 409 if conflict else 400, problems, conflict, new)
    request.app.state.store.record(
        request.state.user.name, "sửa nhóm đài", name, ", ".join(members)
    )
    return RedirectResponse("/groups", status_code=303)


@page(*STATION_EDITORS)
async def remove_group(request: Request) -> Response:
    form = request.state.form
    name = request.path_params["name"]
    try:
        written, conflict, problems = save_stations_file(
            request, str(form.get("based_on", "")), lambda text: yamledit.remove_group(text, name)
        )
    except BroadcastError as exc:
        return _groups_page(request, 400, [officer_words(exc)])
    if written is None:
        return _groups_page(request, 409 if conflict else 400, problems, conflict)
    request.app.state.store.record(request.state.user.name, "xóa nhóm đài", name)
    return RedirectResponse("/groups", status_code=303)


routes = [
    Route("/stations", stations_page, methods=["GET"]),
    Route("/stations/new", add_station, methods=["POST"]),
    Route("/stations/{sid}/air", air_page, methods=["GET"]),
    Route("/stations/{sid}/air", save_air, methods=["POST"]),
    Route("/stations/{sid}", save_station, methods=["POST"]),
    Route("/limits", limits_page, methods=["GET"]),
    Route("/limits", save_limits, methods=["POST"]),
    Route("/groups", groups_page, methods=["GET"]),
    Route("/groups", save_group, methods=["POST"]),
    Route("/groups/{name}/delete", remove_group, methods=["POST"]),
]
