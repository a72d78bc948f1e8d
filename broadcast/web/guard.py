"""Who may see and do what: the one decorator every console page goes through.

``@page(roles...)`` refuses an anonymous visitor (a page: redirect to the login form;
an action: 403), refuses a user whose role is not listed (403), and refuses every POST
whose form does not carry the session's CSRF token (403). Handlers get the user as
``request.state.user`` and the parsed form as ``request.state.form``.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..errors import InputError
from ..project.accounts import ROLE_NAMES, User

Handler = Callable[[Request], Awaitable[Response]]
CSRF_FIELD = "csrf"
#: the most fields a console form may send: a campaign form with every script and station
#: ticked stays far below; a form sent with one field repeated thousands of times does not
MAX_FIELDS = 1000


async def read_form(request: Request) -> FormData:
    """The posted form; one Starlette cannot read (too many fields, a part too large, a
    broken multipart body) is an :class:`InputError` said in Vietnamese (a 400 page),
    never Starlette's English one-liner."""
    try:
        return await request.form(max_fields=MAX_FIELDS)
    except HTTPException as exc:
        detail = str(exc.detail)
        if detail.startswith("Too many fields"):
            what = f"Biểu mẫu gửi lên có quá nhiều ô (hơn {MAX_FIELDS} ô), không đọc"
        elif detail.startswith("Too many files"):
            what = "Biểu mẫu gửi lên có quá nhiều tệp, không đọc"
        elif detail.startswith("Field exceeded"):
            what = "Một ô của biểu mẫu gửi lên quá lớn, không đọc"
        else:
            what = "Biểu mẫu gửi lên bị hỏng, không đọc được"
        raise InputError(
            what,
            where="biểu mẫu",
            fix="tải lại trang rồi gửi lại; mỗi ô chỉ ghi một giá trị",
        ) from None


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, sent: Any) -> bool:
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token or not isinstance(sent, str):
        return False
    return hmac.compare_digest(token.encode(), sent.encode())  # any text, never a 500


def current_user(request: Request) -> User | None:
    name = request.session.get("user")
    if not name:
        return None
    # Looked up on every request: a removed user, a changed role or a reset password
    # takes effect at once.
    user = request.app.state.store.get(name)
    if user is None or request.session.get("stamp") != user.stamp:
        return None
    return user


def public_text(text: Any, root: Path, out: Path) -> Any:
    """``text`` without the server's absolute folders: the project's files are named from
    the project folder (``scripts/x.md``), the output folder by its own name. An error
    page tells an officer which file, never where the server keeps it (the templates'
    ``|public`` filter)."""
    if not isinstance(text, str) or not text:
        return text
    for folder, shown in ((out, out.name), (root, "")):
        prefix = str(folder)
        text = text.replace(prefix + "/", f"{shown}/" if shown else "")
        text = text.replace(prefix, shown or ".")
    return text


def render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    if template == "error.html":
        for key in ("what", "where", "fix"):
            context[key] = public_text(
                context.get(key), request.app.state.root, request.app.state.out
            )
    context.setdefault("user", getattr(request.state, "user", None) or current_user(request))
    context["csrf"] = csrf_token(request)
    context["request"] = request
    return request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status
    )


def forbidden(request: Request, what: str, fix: str = "") -> Response:
    return render(request, "error.html", 403, what=what, where="", fix=fix, title="Không được phép")


def page(*roles: str) -> Callable[[Handler], Handler]:
    """Guard a handler: logged in, one of ``roles`` (any role when empty), CSRF on POST."""

    def deco(fn: Handler) -> Handler:
        @wraps(fn)
        async def endpoint(request: Request) -> Response:
            user = current_user(request)
            if user is None:
                if request.method in ("GET", "HEAD"):
                    target = request.url.path + (
                        f"?{request.url.query}" if request.url.query else ""
                    )
                    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
                return forbidden(request, "Cần đăng nhập trước", "mở trang /login")
            request.state.user = user
            if roles and user.role not in roles:
                return forbidden(
                    request,
                    f"Người có vai trò {ROLE_NAMES.get(user.role, user.role)} "
                    "không được làm việc này",
                    "nhờ người có vai trò: " + ", ".join(ROLE_NAMES.get(r, r) for r in roles),
                )
            request.state.form = None
            if request.method == "POST":
                form = await read_form(request)
                if not csrf_ok(request, form.get(CSRF_FIELD)):
                    return forbidden(
                        request,
                        "Biểu mẫu thiếu hoặc sai mã bảo vệ (CSRF)",
                        "tải lại trang rồi gửi lại",
                    )
                request.state.form = form
            return await fn(request)

        endpoint.roles = roles  # type: ignore[attr-defined]
        return endpoint

    return deco
