"""The console's application: routes, sessions, login, users, error pages.

``create_app(root, out)`` is all ``broadcast serve`` and the tests need. Pages live in
``pages_scripts`` (write, hear, approve) and ``pages_ops`` (plan, build, emergency,
as-run, report); every handler is guarded by :func:`guard.page`.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import BroadcastError, LockBusyError
from ..files.controls import xml_safe
from ..project.accounts import (
    LOCKOUT_S,
    MAX_FAILURES,
    MIN_PASSWORD,
    ROLE_LABELS,
    ROLE_NAMES,
    ROLES,
    Store,
)
from ..project.approval import Approvals, console_db
from . import (
    pages_air,
    pages_campaigns,
    pages_days,
    pages_ops,
    pages_recording,
    pages_schedule,
    pages_scripts,
    words,
)
from .guard import csrf_ok, forbidden, page, public_text, read_form, render
from .jobs import Jobs
from .layers import (
    BadPath,
    BodyLimit,
    SecurityHeaders,
    ServerSessions,
    TrustedProxy,
    rotate_session,
)

HERE = Path(__file__).parent


async def login_form(request: Request) -> Response:
    return render(request, "login.html", next=request.query_params.get("next", "/"), user=None)


def _safe_next(target: str) -> str:
    """Where to go after the login: a page of this console, never another site. Browsers
    read '/\\evil.example' and '/<TAB>/evil.example' as '//evil.example' (another host),
    so a backslash or a control character anywhere sends the user home instead."""
    if not target.startswith("/") or target.startswith("//") or len(target) > 2000:
        return "/"
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    return target


async def login(request: Request) -> Response:
    form = await read_form(request)
    if not csrf_ok(request, form.get("csrf")):
        return forbidden(request, "Biểu mẫu thiếu hoặc sai mã bảo vệ (CSRF)", "tải lại trang")
    store: Store = request.app.state.store
    name = str(form.get("name", "")).strip().lower()
    password = str(form.get("password", ""))
    ip = request.client.host if request.client else "?"
    nxt = _safe_next(str(form.get("next", "/")))
    if store.locked_out(name, ip):
        store.record(name or "?", "đăng nhập bị chặn", ip, "quá nhiều lần sai")
        return render(
            request,
            "login.html",
            429,
            user=None,
            next=nxt,
            error=f"Sai mật khẩu quá nhiều lần (từ {MAX_FAILURES} lần). "
            f"Đợi {LOCKOUT_S // 60} phút rồi thử lại.",
        )
    user = store.verify(name, password)
    if user is None:
        store.note_failure(name, ip)
        return render(
            request,
            "login.html",
            401,
            user=None,
            next=nxt,
            error="Sai tên đăng nhập hoặc mật khẩu.",
        )
    store.clear_failures(name, ip)
    request.session.clear()
    rotate_session(request)
    request.session["user"] = user.name
    request.session["stamp"] = user.stamp
    store.record(user.name, "đăng nhập", ip)
    return RedirectResponse(nxt, status_code=303)


@page()
async def logout(request: Request) -> Response:
    request.app.state.store.record(request.state.user.name, "đăng xuất")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@page()
async def home(request: Request) -> Response:
    return RedirectResponse("/scripts", status_code=303)


def _users_page(request: Request, error: BroadcastError | None = None) -> Response:
    store: Store = request.app.state.store
    return render(
        request,
        "users.html",
        400 if error else 200,
        users=store.users(),
        roles=ROLE_LABELS,
        role_names=ROLE_NAMES,
        audit=store.audit(200),
        min_password=MIN_PASSWORD,
        error=error,
    )


@page("operator")
async def users(request: Request) -> Response:
    return _users_page(request)


@page("operator")
async def add_user(request: Request) -> Response:
    store: Store = request.app.state.store
    form = request.state.form
    try:
        store.add_user(
            str(form.get("name", "")).strip(),
            str(form.get("role", "")),
            str(form.get("password", "")),
            by=request.state.user.name,
        )
    except BroadcastError as exc:
        return _users_page(request, exc)
    return RedirectResponse("/users", status_code=303)


@page("operator")
async def set_role(request: Request) -> Response:
    store: Store = request.app.state.store
    name = request.path_params["name"]
    role = str(request.state.form.get("role", ""))
    if store.get(name) is None or role not in ROLES:
        return forbidden(request, f"Không có người dùng '{name}' hoặc vai trò này")
    try:
        store.set_role(name, role, by=request.state.user.name)
    except BroadcastError as exc:
        return _users_page(request, exc)
    return RedirectResponse("/users", status_code=303)


@page("operator")
async def remove_user(request: Request) -> Response:
    store: Store = request.app.state.store
    name = request.path_params["name"]
    if name == request.state.user.name:
        return forbidden(request, "Không tự xóa tài khoản của mình", "nhờ kỹ thuật viên khác")
    try:
        store.remove_user(name, by=request.state.user.name)
    except BroadcastError as exc:
        return _users_page(request, exc)
    return RedirectResponse("/users", status_code=303)


@page("operator")
async def reset_password(request: Request) -> Response:
    """An operator sets a new password for someone who forgot theirs (or is locked out)."""
    store: Store = request.app.state.store
    name = request.path_params["name"]
    try:
        store.set_password(
            name, str(request.state.form.get("password", "")), by=request.state.user.name
        )
    except BroadcastError as exc:
        return _users_page(request, exc)
    return RedirectResponse("/users", status_code=303)


@page()
async def audio(request: Request) -> Response:
    """A rendered bulletin, only from OUT/bulletins (never any other file)."""
    out: Path = request.app.state.out
    base = (out / "bulletins").resolve()
    try:
        target = (base / request.path_params["path"]).resolve()
    except (OSError, ValueError, RuntimeError):  # NUL byte, loop of links: a bad address
        return render(request, "error.html", 400, what="Địa chỉ tệp âm thanh không hợp lệ")
    if base not in target.parents or target.suffix != ".mp3" or not target.is_file():
        return forbidden(request, "Không có tệp âm thanh này")
    return FileResponse(target, media_type="audio/mpeg")


def without_server_paths(request: Request, text: str) -> str:
    """A page never shows where the project lives on the server: the project folder and
    the output folder are named as an officer knows them."""
    out = str(request.app.state.out)
    root = str(request.app.state.root)
    for folder, word in ((out, "thư mục phát sóng"), (root, "thư mục dự án")):
        text = text.replace(folder + os.sep, "").replace(folder, word)
    return text


async def broadcast_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BroadcastError)
    status = 409 if isinstance(exc, LockBusyError) else 400 if exc.exit_code == 2 else 500
    return render(
        request,
        "error.html",
        status,
        what=without_server_paths(request, exc.what),
        where=without_server_paths(request, exc.where or ""),
        fix=without_server_paths(request, exc.fix or ""),
        title="Lỗi",
    )


async def not_found(request: Request, exc: Exception) -> Response:
    return render(
        request,
        "error.html",
        404,
        what="Không có trang này",
        where="",
        fix="mở lại từ thanh menu ở đầu trang",
        title="Không tìm thấy",
    )


def html_safe(value: object) -> object:
    """Jinja's finalize: strings without XML-illegal characters (Markup stays Markup)."""
    if isinstance(value, Markup):
        return Markup(xml_safe(str(value)))
    if isinstance(value, str):
        return xml_safe(value)
    return value


def create_app(
    root: Path,
    out: Path,
    secret: str | None = None,
    *,
    behind_https: bool = False,
    trusted_proxies: tuple[str, ...] = (),
) -> Starlette:
    """The console of project ``root`` writing to ``out``.

    ``behind_https``: the cookie is sent only over HTTPS (Secure); also set per request
    when a trusted proxy says ``X-Forwarded-Proto: https``. ``trusted_proxies``: the only
    addresses whose ``X-Forwarded-For`` is believed. ``secret`` is accepted for old
    callers and unused: sessions live on the server, nothing is signed.
    """
    del secret
    root = Path(root).resolve()
    store = Store(console_db(root))
    routes = [
        Route("/", home),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        *pages_scripts.routes,
        *pages_recording.routes,
        *pages_ops.routes,
        *pages_air.routes,
        *pages_days.routes,
        *pages_schedule.routes,
        *pages_campaigns.routes,
        Route("/users", users, methods=["GET"]),
        Route("/users", add_user, methods=["POST"]),
        Route("/users/{name}/role", set_role, methods=["POST"]),
        Route("/users/{name}/remove", remove_user, methods=["POST"]),
        Route("/users/{name}/password", reset_password, methods=["POST"]),
        Route("/audio/{path:path}", audio),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders, behind_https=behind_https),
        Middleware(TrustedProxy, trusted=trusted_proxies),
        Middleware(BadPath),
        Middleware(BodyLimit),
        Middleware(ServerSessions, sessions=store.sessions, secure=behind_https),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={BroadcastError: broadcast_error, 404: not_found},
    )
    app.state.root = root
    app.state.out = Path(out).resolve()
    app.state.store = store
    app.state.approvals = Approvals(console_db(root))
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.filters["public"] = lambda text: public_text(
        text, app.state.root, app.state.out
    )
    app.state.templates.env.filters.update(words.FILTERS)
    # every value a page shows, without what HTML cannot carry (a NUL, U+000B from Word)
    app.state.templates.env.finalize = html_safe
    app.state.jobs = Jobs()
    # eSpeak NG is not thread-safe and a file is saved after a check: one at a time.
    app.state.render_lock = threading.Lock()
    app.state.write_lock = threading.Lock()
    return app


ROOT_ENV = "BROADCAST_ROOT"
OUT_ENV = "BROADCAST_OUT"
HTTPS_ENV = "BROADCAST_BEHIND_HTTPS"
PROXIES_ENV = "BROADCAST_TRUSTED_PROXIES"


def app_from_env() -> Starlette:
    """The console for the project named by $BROADCAST_ROOT and $BROADCAST_OUT: the
    factory ``broadcast serve`` hands to uvicorn by name, so the command line never
    imports the web stack (and starts fast)."""
    return create_app(
        Path(os.environ[ROOT_ENV]),
        Path(os.environ[OUT_ENV]),
        behind_https=os.environ.get(HTTPS_ENV) == "1",
        trusted_proxies=tuple(p for p in os.environ.get(PROXIES_ENV, "").split(",") if p),
    )
