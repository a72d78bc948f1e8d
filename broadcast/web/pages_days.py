"""Built days: per station and day, listen, download the playlist and its files, a ZIP
laid out as ``export-usb`` lays a stick, and a "cần làm lại" mark when a playlist is older
than an approval or a change of a script it plays (issue 19).

Nothing here builds: the ZIP is made by :func:`playlists.usb.export_day` in a temporary
folder, then zipped into a temporary file that is streamed and removed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..errors import BroadcastError
from ..playlists.running_order import RunningOrder, read_running_order
from ..playlists.usb import export_day
from .guard import forbidden, page, render


def _order(out: Path, day: str, station: str) -> RunningOrder | None:
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        return None
    path = out / "playlists" / date.isoformat() / f"{station}.json"
    if path.parent.parent != out / "playlists" or not path.is_file():
        return None
    return read_running_order(path)


def stale_reasons(order: RunningOrder, root: Path, approvals_at: dict[str, str]) -> list[str]:
    """Why a playlist should be built again: a script it plays changed, or was approved,
    after the playlist was written."""
    built = order.path.stat().st_mtime
    reasons = []
    for sid in sorted({i.script for i in order.items if i.script}):
        script = root / "scripts" / f"{sid}.md"
        if script.is_file() and script.stat().st_mtime > built:
            reasons.append(f"kịch bản «{sid}» đã sửa sau khi làm danh sách")
        at = approvals_at.get(sid)
        if at and dt.datetime.fromisoformat(at).timestamp() > built:
            reasons.append(f"kịch bản «{sid}» được duyệt sau khi làm danh sách")
    return reasons


def _last_approvals(request: Request) -> dict[str, str]:
    out: dict[str, str] = {}
    for a in request.app.state.approvals.all():
        if a.kind != "baseline" and a.at > out.get(a.script_id, ""):
            out[a.script_id] = a.at
    return out


@page()
async def days_page(request: Request) -> Response:
    out: Path = request.app.state.out
    root: Path = request.app.state.root
    approved = _last_approvals(request)
    days = []
    base = out / "playlists"
    folders = (
        sorted((p for p in base.iterdir() if p.is_dir()), reverse=True) if base.is_dir() else []
    )
    for folder in folders[:14]:
        try:
            day = dt.date.fromisoformat(folder.name)
        except ValueError:
            continue
        stations = []
        for path in sorted(folder.glob("*.json")):
            try:
                order = read_running_order(path)
            except BroadcastError:
                continue
            stations.append({"order": order, "stale": stale_reasons(order, root, approved)})
        days.append({"day": day, "stations": stations})
    return render(request, "days.html", days=days)


@page()
async def day_file(request: Request) -> Response:
    """The day's M3U8, JSON or one of its sound files, only from inside the output folder."""
    out: Path = request.app.state.out.resolve()
    p = request.path_params
    order = _order(out, p["day"], p["station"])
    if order is None:
        return forbidden(request, "Không có danh sách phát này")
    what = p["what"]
    if what in ("m3u8", "json"):
        target = order.path.with_suffix(f".{what}")
        media = "application/vnd.apple.mpegurl" if what == "m3u8" else "application/json"
    else:
        try:
            target = order.media(order.items[int(what) - 1]).resolve()
        except (ValueError, IndexError):
            return forbidden(request, "Không có tệp này")
        media = "audio/mpeg"
    if out not in target.parents or not target.is_file():
        return forbidden(request, "Không có tệp này")
    return FileResponse(target, media_type=media, filename=target.name)


def _zip(out: Path, day: dt.date, station: str) -> Path:
    work = Path(tempfile.mkdtemp(prefix="broadcast-usb-"))
    try:
        export_day(out, day, station, work / "usb")
        fd, name = tempfile.mkstemp(prefix="broadcast-", suffix=".zip")
        os.close(fd)
        with zipfile.ZipFile(name, "w", zipfile.ZIP_STORED) as zf:  # MP3s do not shrink
            for f in sorted((work / "usb").rglob("*")):
                if f.is_file():
                    zf.write(f, f.relative_to(work / "usb").as_posix())
        return Path(name)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@page()
async def day_zip(request: Request) -> Response:
    """A station's day as a ZIP: unzip it at the root of the USB stick."""
    out: Path = request.app.state.out
    p = request.path_params
    order = _order(out, p["day"], p["station"])
    if order is None:
        return forbidden(request, "Không có danh sách phát này")
    path = await run_in_threadpool(_zip, out, order.date, order.station.id)
    request.app.state.store.record(
        request.state.user.name, "tải ZIP cho USB", f"{order.station.id} {order.date}"
    )
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"usb-{order.station.id}-{order.date:%Y%m%d}.zip",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


routes = [
    Route("/days", days_page),
    Route("/days/{day}/{station}/zip", day_zip),
    Route("/days/{day}/{station}/{what}", day_file),
]
