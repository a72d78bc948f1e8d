"""Script pages: list, read, write, hear, approve.

The files in ``scripts/`` stay the only source of truth. Saving composes the Markdown
an officer would write by hand, checks it with the parser ``broadcast check`` uses, and
writes it atomically, unless the file changed since the form was opened (the form
carries the version it started from): then nothing is written and both texts are shown.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import BroadcastError
from ..files import atomic
from ..files.confined import check_within, refused_scripts, script_paths
from ..files.sources import YamlDoc, read_text
from ..project.approval import (
    Approval,
    Approvals,
    SelfApprovalError,
    Status,
    approval_required,
    approve_existing,
    check_script_id,
    file_hash,
    latest_approvals,
    script_status,
    unapproved_existing,
)
from ..project.loader import Project, load_project, script_limit
from ..project.scripts import Script, load_script, parse_script
from ..project.validation import slug
from ..project.versions import keep_file, kept, line_diff
from ..render.renderer import Renderer
from ..text.spelling import SPELLED_CLOSE, SPELLED_OPEN
from ..text.spoken import spoken
from ..vocabulary import MAX_SCRIPT_CHARS
from .guard import page, render
from .layers import MAX_RECORDING
from .scriptform import BODY, FIELDS, GENERAL, PRIORITIES, compose, errors_by_field, fields_of

WRITERS = ("officer",)
#: what saving over an approved script does (edit form, script page), issue 18
SAVE_NOTE = "Bản đã duyệt vẫn phát cho đến khi bản mới được duyệt"


@dataclass
class Row:
    id: str
    path: Path
    script: Script | None
    error: BroadcastError | None
    state: Status
    version: str = ""

    @property
    def approval(self) -> Approval | None:
        """The approval of the version on disk (None: a draft, or not approved)."""
        return self.state.current

    @property
    def required(self) -> bool:
        return self.state.required

    @property
    def status(self) -> str:
        return self.state.label

    @property
    def airs(self) -> bool:
        return self.state.airs


def scripts_dir(request: Request) -> Path:
    return request.app.state.root / "scripts"


def _row(
    request: Request,
    path: Path,
    required: bool | None = None,
    books: dict[str, list[Approval]] | None = None,
    limit: int | None = None,
) -> Row:
    """One script's row: the same label (:func:`script_status`) on the list, the script
    page and its table of approvals."""
    root = request.app.state.root
    if required is None:
        required = approval_required(root)
    if books is None:
        books = {path.stem: request.app.state.approvals.history(path.stem)}
    if limit is None:
        limit = script_limit(root / "schedules")
    try:
        script: Script | None = load_script(path, limit)
        error = None
    except BroadcastError as exc:
        script, error = None, exc
    version = file_hash(path)
    state = script_status(
        root, path.stem, version, books.get(path.stem, []), required, error is not None
    )
    return Row(path.stem, path, script, error, state, version)


def _project(request: Request) -> tuple[Project | None, BroadcastError | None]:
    """The project for stations and lexicon; a schedule error is shown, not raised."""
    try:
        return load_project(request.app.state.root, strict=False), None
    except BroadcastError as exc:
        return None, exc


def _limit(project: Project | None) -> int:
    """The project's longest script body (stations.yaml ``max_script_chars``)."""
    return project.schedule.max_script_chars if project is not None else MAX_SCRIPT_CHARS


def spoken_text(request: Request, project: Project | None, station_id: str, text: str) -> Markup:
    """The body as the station's voice will read it: the same spoken-form pipeline and
    lexicon as render (Renderer.lexicon), as HTML in which every run the listener will
    hear as letter names is a <mark class="spelled">."""
    if project is None or not project.schedule.stations:
        return said_html(spoken(text, mark_spelled=True))
    station = project.schedule.stations.get(station_id) or next(
        iter(project.schedule.stations.values())
    )
    renderer = Renderer(project, request.app.state.out)
    return said_html(spoken(text, station.dialect.value, renderer.lexicon, mark_spelled=True))


def said_html(said: str) -> Markup:
    """Escaped spoken text with the spelled runs (spelling.py marks) highlighted."""
    html = escape(said)
    html = html.replace(SPELLED_OPEN, '<mark class="spelled">').replace(SPELLED_CLOSE, "</mark>")
    return Markup(html)


@page()
async def list_scripts(request: Request) -> Response:
    root = request.app.state.root
    docs: dict[Path, YamlDoc] = {}  # stations.yaml parsed once for both (read once a page)
    limit = script_limit(root / "schedules", docs)
    required = approval_required(root, docs.get(root / "schedules" / "stations.yaml"))
    books = latest_approvals(request.app.state.approvals)  # one read of the book
    rows = [_row(request, p, required, books, limit) for p in script_paths(root)]
    never = [r for r in rows if r.required and r.error is None and r.state.airing is None]
    return render(
        request,
        "scripts.html",
        rows=rows,
        required=required,
        refused=refused_scripts(root),
        never_approved=len(never),
        book_empty=not books,
    )


def _script_path(request: Request) -> tuple[str, Path]:
    sid = check_script_id(request.path_params["sid"])
    path = scripts_dir(request) / f"{sid}.md"
    if path.is_symlink() or path.exists():
        check_within(request.app.state.root, path)  # a link out of the project: refused
    return sid, path


async def _show(request: Request, audio: Any = None, status: int = 200) -> Response:
    sid, path = _script_path(request)
    if not path.is_file():
        return render(
            request,
            "error.html",
            404,
            title="Không có kịch bản",
            what=f"Không có kịch bản '{sid}'",
            where=str(path),
            fix="chọn một kịch bản trong danh sách",
        )
    row = _row(request, path)
    on_air = _on_air(request.app.state.root, path, row)
    project, project_error = await run_in_threadpool(_project, request)
    stations = list(project.schedule.stations.values()) if project else []
    station_id = (request.state.form or {}).get("station") or (stations[0].id if stations else "")
    said = ""
    if row.script is not None and row.script.recording is None:  # a recording: no reading
        said = await run_in_threadpool(spoken_text, request, project, station_id, row.script.text)
    heard = await run_in_threadpool(recording_findings, project, row.script)
    return render(
        request,
        "script.html",
        status,
        row=row,
        text=read_text(path),
        version=row.version,
        history=request.app.state.approvals.history(sid),
        author=request.app.state.approvals.author_of(sid, row.version),
        on_air=on_air,
        save_note=SAVE_NOTE,
        stations=stations,
        station_id=station_id,
        said=said,
        audio=audio,
        project_error=project_error,
        heard=heard,
        max_recording_mb=MAX_RECORDING // (1024 * 1024),
    )


#: (recording, inode, size, mtime, text, longest session) -> the findings: decoding and
#: filtering a 10-minute recording takes seconds, and its page is opened again and again
#: (a saved upload is a new inode, so a new take is always heard again)
_HEARD: OrderedDict[tuple[Any, ...], list[str]] = OrderedDict()
_HEARD_MAX = 64


@dataclass(frozen=True)
class OnAir:
    """The approved version that airs while the file on disk is a draft, and the diff."""

    approval: Approval
    text: str
    diff: list[tuple[str, str]]


def _on_air(root: Path, path: Path, row: Row) -> OnAir | None:
    """Keep the version the console shows; the version on air when it is not that one."""
    keep_file(root, path)
    airing = row.state.airing
    if not row.state.pending or airing is None:
        return None
    item = kept(root, airing.version)
    if item is None:
        return None
    old = item.decoded()
    return OnAir(airing, old, line_diff(old, read_text(path)))


def recording_findings(project: Project | None, script: Script | None) -> list[str]:
    """What ``check`` says about the script's recording, for its page (issue 20); worked
    out once per version of the recording and of the text."""
    if script is None or script.recording is None:
        return []
    from ..render.recordings import longest_anywhere_s, script_findings

    try:
        longest = longest_anywhere_s(project) if project is not None else None
        stat = script.recording.stat()
        key: tuple[Any, ...] = (str(script.recording), stat.st_ino, stat.st_size)
        key += (stat.st_mtime_ns, script.text, longest)
        if key in _HEARD:
            _HEARD.move_to_end(key)
            return _HEARD[key]
        found = [f.message for f in script_findings(script, longest)]
    except BroadcastError as exc:
        return [exc.what]
    except OSError:  # gone since the script was read: say so as check does
        from ..audio.recording import missing

        return [missing(script.path, script.recording_line, script.recording.name).what]
    _HEARD[key] = found
    while len(_HEARD) > _HEARD_MAX:
        _HEARD.popitem(last=False)
    return found


@page()
async def show_script(request: Request) -> Response:
    return await _show(request)


@page()
async def listen(request: Request) -> Response:
    """Render the saved script with the chosen station's voice (the same Renderer as
    ``broadcast render``) and show an audio player for the real MP3."""
    sid, path = _script_path(request)
    project, project_error = await run_in_threadpool(_project, request)
    if project is None:
        assert project_error is not None
        raise project_error
    station_id = str(request.state.form.get("station", ""))
    station = project.schedule.stations.get(station_id)
    if station is None:
        return render(request, "error.html", 400, title="Lỗi", what=f"Không có đài '{station_id}'")
    script = load_script(path)

    def work():  # type: ignore[no-untyped-def]
        with request.app.state.render_lock:
            return Renderer(project, request.app.state.out).render(script, station)

    bulletin = await run_in_threadpool(work)
    rel = bulletin.path.relative_to(request.app.state.out / "bulletins").as_posix()
    request.app.state.store.record(request.state.user.name, "nghe thử", sid, station_id)
    return await _show(request, audio={"src": f"/audio/{rel}", "bulletin": bulletin})


@page("approver")
async def approve(request: Request) -> Response:
    sid, path = _script_path(request)
    seen = str(request.state.form.get("version", ""))
    current = file_hash(path)
    if not current:
        return render(request, "error.html", 404, title="Lỗi", what=f"Không có kịch bản '{sid}'")
    if seen != current:
        return render(
            request,
            "error.html",
            409,
            title="Kịch bản vừa thay đổi",
            what="Kịch bản đã được sửa sau khi anh/chị mở trang này",
            where=str(path),
            fix="mở lại kịch bản, đọc bản mới rồi duyệt",
        )
    load_script(path)  # a script with an error cannot be approved (raises with the reason)
    book: Approvals = request.app.state.approvals
    try:
        book.approve(sid, current, request.state.user.name)
    except SelfApprovalError as exc:
        return render(
            request, "error.html", 403, title="Không được phép", what=exc.what, fix=exc.fix
        )
    keep_file(request.app.state.root, path)
    request.app.state.store.record(request.state.user.name, "duyệt", sid, current[:10])
    return RedirectResponse(f"/scripts/{sid}", status_code=303)


def _form_page(
    request: Request,
    form: dict[str, str],
    base: str,
    new: bool,
    status: int = 200,
    errors: dict[str, list[str]] | None = None,
    conflict: dict[str, str] | None = None,
    project: Project | None = None,
) -> Response:
    stations = list(project.schedule.stations.values()) if project else []
    warn_approved = ""
    if not new:
        _sid, path = _script_path(request)  # the script of the address, not the form's id
        if path.is_file() and approval_required(request.app.state.root):
            airing = _row(request, path, True).state.airing
            if airing is not None:
                warn_approved = (
                    f"Kịch bản này có bản đã duyệt ({airing.short}, {airing.by} duyệt) đang "
                    f"phát. Lưu bản sửa thì bản sửa là bản nháp chờ duyệt: {SAVE_NOTE}."
                )
    return render(
        request,
        "edit.html",
        status,
        form=form,
        fields=FIELDS,
        priorities=PRIORITIES,
        base=base,
        new=new,
        errors=errors or {},
        general=(errors or {}).get(GENERAL, []),
        conflict=conflict,
        stations=stations,
        warn_approved=warn_approved,
        said=spoken_text(request, project, stations[0].id if stations else "", form.get(BODY, ""))
        if form.get(BODY)
        else Markup(""),
    )


@page(*WRITERS)
async def new_form(request: Request) -> Response:
    project, _ = await run_in_threadpool(_project, request)
    form = {name: "" for name, _, _ in FIELDS} | {BODY: "", "priority": "normal"}
    return _form_page(request, form, "", True, project=project)


@page(*WRITERS)
async def edit_form(request: Request) -> Response:
    sid, path = _script_path(request)
    if not path.is_file():
        return render(request, "error.html", 404, title="Lỗi", what=f"Không có kịch bản '{sid}'")
    project, _ = await run_in_threadpool(_project, request)
    text = read_text(path)
    try:  # a file broken in Notepad opens with its errors already beside the fields
        parse_script(text, path, _limit(project))
        errors = None
    except BroadcastError as exc:
        errors = errors_by_field(exc)
    return _form_page(
        request, fields_of(text), file_hash(path), False, errors=errors, project=project
    )


async def _save(request: Request, new: bool) -> Response:
    raw = request.state.form
    form = {name: str(raw.get(name, "")) for name, _, _ in FIELDS} | {BODY: str(raw.get(BODY, ""))}
    base = str(raw.get("base", ""))
    project, _ = await run_in_threadpool(_project, request)
    sid = form["id"].strip()
    if not new:
        url_id, _path = _script_path(request)
        if sid != url_id:
            errors = {
                "id": [
                    f"Không đổi được mã khi sửa ('{url_id}' thành '{sid}') — cách sửa: giữ mã "
                    "cũ, hoặc tạo kịch bản mới với mã mới"
                ]
            }
            return _form_page(request, form, base, new, 400, errors, project=project)
    text = compose(form)
    try:
        valid_id = check_script_id(sid)
    except BroadcastError:
        valid_id = slug(sid) or "kich-ban-moi"
    path = scripts_dir(request) / f"{valid_id}.md"
    try:
        parse_script(text, path, _limit(project))  # the parser 'broadcast check' uses
        check_script_id(sid)
    except BroadcastError as exc:
        return _form_page(request, form, base, new, 400, errors_by_field(exc), project=project)
    with request.app.state.write_lock:
        if path.is_symlink() or path.exists():
            check_within(request.app.state.root, path)  # never show what a link points to
        current = file_hash(path)
        if current != base:
            theirs = read_text(path) if current else ""
            return _form_page(
                request,
                form,
                current,
                new,
                409,
                {
                    GENERAL: [
                        (
                            f"Đã có kịch bản '{sid}'. Chọn mã khác."
                            if new
                            else "Người khác đã sửa kịch bản này sau khi anh/chị mở nó. Chưa "
                            "ghi gì: xem hai bản dưới đây, sửa lại trong biểu mẫu rồi bấm Lưu."
                        )
                    ]
                },
                conflict={"theirs": theirs, "yours": text},
                project=project,
            )
        version = publish(request, sid, path, text)
    request.app.state.store.record(
        request.state.user.name, "tạo kịch bản" if new else "sửa kịch bản", sid, version[:10]
    )
    return RedirectResponse(f"/scripts/{sid}", status_code=303)


def publish(request: Request, sid: str, path: Path, text: str) -> str:
    """Write a checked script atomically and note who saved the new version (the hash of
    its text and of its recording: approval.file_hash), so that person cannot approve it.
    The caller holds ``write_lock``. Returns the new version."""
    atomic.write_text(path, text)
    keep_file(request.app.state.root, path)
    version = file_hash(path)
    request.app.state.approvals.record_author(sid, version, request.state.user.name)
    return version


@page("operator", "approver")
async def approve_existing_page(request: Request) -> Response:
    """Approval was just turned on: record the scripts on disk that were never approved
    as approved by this user. First a page listing them (what will be recorded), then
    (``confirm=yes``) the record, of exactly the versions listed: the CLI's
    ``broadcast approve-existing``, behind a confirmation."""
    root = request.app.state.root
    form = request.state.form
    todo = await run_in_threadpool(unapproved_existing, root)
    user = request.state.user.name
    if form.get("confirm") != "yes":
        return render(
            request, "approve_existing.html", items=todo, required=approval_required(root)
        )
    shown = {k[2:]: str(v) for k, v in form.items() if k.startswith("v-")}
    chosen = [e for e in todo if shown.get(e.script_id) == e.version]
    done = await run_in_threadpool(approve_existing, root, user, chosen)
    for a in done:
        keep_file(root, scripts_dir(request) / f"{a.script_id}.md")
        request.app.state.store.record(user, "duyệt kịch bản có sẵn", a.script_id, a.short)
    return RedirectResponse("/scripts", status_code=303)


@page(*WRITERS)
async def create(request: Request) -> Response:
    return await _save(request, new=True)


@page(*WRITERS)
async def update(request: Request) -> Response:
    return await _save(request, new=False)


@page()
async def spoken_panel(request: Request) -> Response:
    """The live "how it will be read" panel (plain text, fetched as the officer types)."""
    form = request.state.form
    project, _ = await run_in_threadpool(_project, request)
    said = await run_in_threadpool(
        spoken_text, request, project, str(form.get("station", "")), str(form.get(BODY, ""))
    )
    return HTMLResponse(str(said))


routes = [
    Route("/scripts", list_scripts, methods=["GET"]),
    Route("/scripts/new", new_form, methods=["GET"]),
    Route("/scripts/new", create, methods=["POST"]),
    Route("/scripts/approve-existing", approve_existing_page, methods=["POST"]),
    Route("/spoken", spoken_panel, methods=["POST"]),
    Route("/scripts/{sid}", show_script, methods=["GET"]),
    Route("/scripts/{sid}/edit", edit_form, methods=["GET"]),
    Route("/scripts/{sid}/edit", update, methods=["POST"]),
    Route("/scripts/{sid}/listen", listen, methods=["POST"]),
    Route("/scripts/{sid}/approve", approve, methods=["POST"]),
]
