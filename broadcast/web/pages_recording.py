"""A script's recording in the console (issue 20): upload a file, or record in the
browser with the text shown large as a teleprompter, listen to it, submit it.

Both ways end at one route, ``POST /scripts/{sid}/recording``: an officer, the CSRF
token, and a file of at most :data:`layers.MAX_RECORDING` bytes (the body limit layer
refuses more before reading it; Starlette spools the file part to disk). ffmpeg checks it
is audio before anything is saved (:mod:`broadcast.audio.probe`); the file is saved
atomically into ``scripts/`` as ``<script id>.<kind>``, and the script's header gets
``recording:`` through the same compose-check-write path as the edit form. The new
version (the hash of text and audio) is a draft: someone else approves it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from ..audio.probe import FORMATS, Probe, probe
from ..errors import BroadcastError, InputError
from ..files import atomic
from ..files.confined import check_within, script_paths
from ..files.sources import read_text
from ..project.approval import file_hash
from ..project.scripts import load_script, parse_script
from .guard import forbidden, page, render
from .layers import MAX_RECORDING
from .pages_scripts import WRITERS, _script_path, publish
from .scriptform import BODY, compose, fields_of

#: what the browser is told a saved recording is (the <audio> on the script page)
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".amr": "audio/amr",
    ".flac": "audio/flac",
    ".wma": "audio/x-ms-wma",
    ".webm": "audio/webm",
}
CHUNK = 1024 * 1024


def _no_script(request: Request, sid: str) -> Response:
    return render(
        request,
        "error.html",
        404,
        title="Không có kịch bản",
        what=f"Không có kịch bản '{sid}'",
        fix="chọn một kịch bản trong danh sách",
    )


def _refused(request: Request, exc: BroadcastError, status: int = 400) -> Response:
    return render(
        request,
        "error.html",
        status,
        title="Chưa lưu bản ghi",
        what=exc.what,
        where=exc.where or "",
        fix=exc.fix or "",
    )


def saved_name(scripts: Path, sid: str, suffix: str, data_hash: str) -> str:
    """``<sid><suffix>``, unless another script's header already names that file (then a
    name with the audio's hash: nobody else's recording is replaced)."""
    name = f"{sid}{suffix}"
    for other in script_paths(scripts.parent):
        if other.stem == sid:
            continue
        try:
            named = fields_of(read_text(other)).get("recording", "").strip()
        except (BroadcastError, OSError):
            continue
        if named == name:
            return f"{sid}-{data_hash[:8]}{suffix}"
    return name


def _copy_upload(upload: UploadFile, dest: Path) -> str:
    """Copy the spooled upload to ``dest`` in chunks; its SHA-256."""
    digest = hashlib.sha256()
    upload.file.seek(0)
    with open(dest, "wb") as out:
        while chunk := upload.file.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _copy_file(src: Path, dest: Path) -> None:
    shutil.copyfile(src, dest)


def _header_checked(text: str, path: Path) -> dict[str, str]:
    """The script's fields, refused when the script has an error other than its
    recording (the header is rewritten from them: a broken one would be lost)."""
    fields = fields_of(text)
    # a header without 'priority' means normal; the form's select always sends one
    fields["priority"] = fields.get("priority") or "normal"
    trial = fields | {"recording": ""}
    if not trial.get(BODY, "").strip():
        trial[BODY] = "."  # a received file with no text may have an empty body
    try:
        parse_script(compose(trial), path)
    except BroadcastError as exc:
        raise InputError(
            "Kịch bản đang có lỗi nên chưa gắn được bản ghi: " + exc.what,
            where=exc.where,
            fix=(exc.fix + "; " if exc.fix else "") + "sửa kịch bản trước rồi gửi lại bản ghi",
        ) from None
    return fields


def _save(request: Request, sid: str, path: Path, upload: UploadFile, base: str) -> dict[str, Any]:
    """Probe, save the audio, set the header; runs in a worker thread."""
    shown = Path(upload.filename or "ban-ghi").name
    fields = _header_checked(read_text(path), path)
    with tempfile.TemporaryDirectory(prefix="broadcast-upload-") as tmp:
        staged = Path(tmp) / "upload"
        data_hash = _copy_upload(upload, staged)
        found: Probe = probe(staged, shown)
        scripts = path.parent
        with request.app.state.write_lock:
            if file_hash(path) != base:
                return {"conflict": True}
            name = saved_name(scripts, sid, found.suffix, data_hash)
            target = scripts / name
            if target.is_symlink() or target.exists():
                check_within(request.app.state.root, target)
            atomic.write_with(target, lambda t: _copy_file(staged, t))
            text = compose(fields | {"recording": name})
            parse_script(text, path)  # the parser 'broadcast check' uses
            version = publish(request, sid, path, text)
    return {"name": name, "version": version, "probe": found}


@page(*WRITERS)
async def upload(request: Request) -> Response:
    sid, path = _script_path(request)
    form = request.state.form
    if not path.is_file():
        return _no_script(request, sid)
    sent = form.get("file")
    if not isinstance(sent, UploadFile) or not sent.filename:
        return _refused(
            request,
            InputError(
                "Chưa chọn tệp ghi âm",
                fix=f"bấm «Chọn tệp», chọn tệp {FORMATS} rồi bấm «Gửi tệp»",
            ),
        )
    try:
        done = await run_in_threadpool(_save, request, sid, path, sent, str(form.get("base", "")))
    except BroadcastError as exc:
        return _refused(request, exc)
    finally:
        await sent.close()
    if done.get("conflict"):
        return _refused(
            request,
            InputError(
                "Kịch bản đã được sửa sau khi anh/chị mở trang này; chưa lưu bản ghi",
                where=f"scripts/{sid}.md",
                fix="mở lại kịch bản, xem bản mới rồi gửi lại bản ghi",
            ),
            409,
        )
    how = "thu âm trên trình duyệt" if form.get("source") == "browser" else "tải bản ghi âm"
    found: Probe = done["probe"]
    request.app.state.store.record(
        request.state.user.name,
        how,
        sid,
        f"{done['version'][:10]} {done['name']} ({found.seconds:.0f} giây)",
    )
    return RedirectResponse(f"/scripts/{sid}?ghi-am=1", status_code=303)


@page()
async def recording_file(request: Request) -> Response:
    """The recording the script's header names (to listen to it in the page), only that."""
    sid, path = _script_path(request)
    if not path.is_file():
        return _no_script(request, sid)
    script = load_script(path)
    if script.recording is None:
        return forbidden(request, f"Kịch bản '{sid}' không có bản ghi âm")
    target = check_within(request.app.state.root, script.recording)
    media = MEDIA_TYPES.get(target.suffix.lower(), "application/octet-stream")
    return FileResponse(target, media_type=media)


@page(*WRITERS)
async def record_page(request: Request) -> Response:
    """Record in the browser: the text large as a teleprompter, listen, again, submit."""
    sid, path = _script_path(request)
    if not path.is_file():
        return _no_script(request, sid)
    fields = fields_of(read_text(path))
    return render(
        request,
        "record.html",
        sid=sid,
        title=fields.get("title") or sid,
        text=fields.get(BODY, ""),
        version=file_hash(path),
        max_bytes=MAX_RECORDING,
        max_mb=MAX_RECORDING // (1024 * 1024),
    )


routes = [
    Route("/scripts/{sid}/recording", upload, methods=["POST"]),
    Route("/scripts/{sid}/recording", recording_file, methods=["GET"]),
    Route("/scripts/{sid}/record", record_page, methods=["GET"]),
]
