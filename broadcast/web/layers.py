"""The console's ASGI layers: what every request passes through before any page.

In order, outermost first (``create_app`` lists them so):

- :class:`SecurityHeaders` puts the Content-Security-Policy and friends on every answer,
  refusals below included;
- :class:`TrustedProxy` believes ``X-Forwarded-For`` / ``X-Forwarded-Proto`` only from
  the addresses given to ``broadcast serve --trusted-proxy`` (nobody else can claim to be
  another client and so dodge the login lockout);
- :class:`BadPath` answers 400 to a URL with a NUL byte or another control character,
  before any page turns it into a file name;
- :class:`BodyLimit` answers 413 to a body over the limit before reading it (anonymous
  requests too): a 20 MB form cannot make the server hold 20 MB; an uploaded recording
  has its own limit (:data:`BODY_LIMITS`), and Starlette spools its file part to disk;
- :class:`ServerSessions` keeps the session on the server (project/sessions.py); the
  cookie is only its random id, HttpOnly, SameSite=Lax, and Secure behind HTTPS.

Pure ASGI: no buffering of responses.
"""

from __future__ import annotations

import ipaddress
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..project.sessions import Sessions, new_id

COOKIE = "broadcast_session"
#: request bodies (forms) larger than this are refused with 413
MAX_BODY = 1024 * 1024
#: an uploaded recording: ten minutes of WAV, hours of MP3 (streamed to a temp file)
MAX_RECORDING = 50 * 1024 * 1024


@dataclass(frozen=True)
class Allowance:
    """A route allowed a larger body than MAX_BODY, and what its 413 page says."""

    path: re.Pattern[str]
    limit: int
    what: str
    fix: str


#: the few routes allowed more than MAX_BODY (matched on the whole path)
BODY_LIMITS: tuple[Allowance, ...] = (
    Allowance(
        re.compile(r"/scripts/[^/]+/recording"),
        MAX_RECORDING,
        "Tệp ghi âm lớn hơn giới hạn {mb} MB",
        "gửi bản MP3 hoặc M4A (nhỏ hơn WAV nhiều lần), hoặc cắt bớt phần im lặng ở đầu "
        "và cuối, rồi gửi lại",
    ),
)
#: a handler sets this scope key (``rotate_session``) at login: a new id, the old deleted
ROTATE = "broadcast.rotate_session"
_COOKIE_VALUE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")

#: media-src allows blob: so a browser recording is heard before it is sent (record.html)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


async def _plain(send: Send, status: int, title: str, text: str) -> None:
    """A small HTML answer from a layer (no template, no session)."""
    body = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>'
        f"{escape(title)}</title></head><body><h1>{escape(title)}</h1><p>{escape(text)}</p>"
        "</body></html>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """No framing (an approve button cannot be clicked through another site's page), no
    script or style but the console's own files, no content sniffing, no referrer to
    other sites."""

    HEADERS = [
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]

    #: behind HTTPS: browsers keep to HTTPS for this site (no downgrade to plain http)
    HSTS = (b"strict-transport-security", b"max-age=31536000")

    def __init__(self, app: ASGIApp, behind_https: bool = False) -> None:
        self.app = app
        self.behind_https = behind_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [self.HSTS] if self.behind_https else []

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + self.HEADERS + extra
            await send(message)

        await self.app(scope, receive, with_headers)


def parse_proxies(values: Iterable[str]) -> tuple[Any, ...]:
    """Addresses or networks (``10.0.0.1``, ``10.0.0.0/24``); other words kept as names."""
    out: list[Any] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            out.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            out.append(value)
    return tuple(out)


class TrustedProxy:
    """Take the client address and scheme from a proxy's headers, only when the request
    comes from one of ``trusted``. With none configured (the default) the headers are
    ignored: the address is the one the connection really comes from."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = parse_proxies(trusted)

    def is_trusted(self, host: str) -> bool:
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            return host in self.trusted
        return any(not isinstance(t, str) and addr in t for t in self.trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self.is_trusted(client[0]):
            headers = {k.lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            hops = [h.strip() for h in headers.get(b"x-forwarded-for", "").split(",")]
            hops = [h for h in hops if h]
            # the nearest hop the trusted proxies did not add is the real client
            for hop in reversed(hops):
                if not self.is_trusted(hop):
                    scope = dict(scope, client=(hop, 0))
                    break
            proto = headers.get(b"x-forwarded-proto", "").strip().lower()
            if proto in ("http", "https"):
                scope = dict(scope, scheme=proto)
        await self.app(scope, receive, send)


class BadPath:
    """A URL whose path holds a NUL byte, another control character or bytes that are not
    UTF-8 is refused (400) before any handler makes a file name of it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    def bad(path: str) -> bool:
        return any(ord(c) < 0x20 or ord(c) == 0x7F or c == "\ufffd" for c in path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.bad(scope.get("path", "")):
            await _plain(
                send,
                400,
                "Địa chỉ không hợp lệ",
                "Địa chỉ trang có ký tự không được phép (ký tự điều khiển). "
                "Cách sửa: mở lại trang từ trình đơn của bàn làm việc.",
            )
            return
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a body without Content-Length grows past the limit."""


class BodyLimit:
    """413 for a request body larger than the limit of its path, before it is read."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int = MAX_BODY,
        limits: tuple[Allowance, ...] | None = None,
    ) -> None:
        self.app = app
        self.limit = limit
        self.limits = tuple(BODY_LIMITS if limits is None else limits)

    def allowance_for(self, path: str) -> Allowance | None:
        return next((a for a in self.limits if a.path.fullmatch(path)), None)

    def limit_for(self, path: str) -> int:
        allowance = self.allowance_for(path)
        return self.limit if allowance is None else allowance.limit

    async def refuse(self, send: Send, path: str) -> None:
        allowance = self.allowance_for(path)
        if allowance is not None:
            mb = allowance.limit // (1024 * 1024)
            what = allowance.what.format(mb=mb)
            await _plain(send, 413, what, f"{what}. Cách sửa: {allowance.fix}.")
            return
        await _plain(
            send,
            413,
            "Nội dung gửi lên quá lớn",
            f"Biểu mẫu gửi lên lớn hơn giới hạn {self.limit // 1024} KB. Cách sửa: rút gọn "
            "nội dung (một kịch bản dài nên tách thành nhiều kịch bản) rồi gửi lại.",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        for key, value in scope.get("headers", []):
            if key.lower() == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = limit + 1
                if length > limit:
                    await self.refuse(send, scope.get("path", ""))
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge()
            return message

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watch)
        except BodyTooLarge:
            if started:
                raise
            await self.refuse(send, scope.get("path", ""))


def rotate_session(conn: HTTPConnection) -> None:
    """At login: the session gets a new id (an id planted before the login is useless)."""
    conn.scope[ROTATE] = True


class ServerSessions:
    """``request.session`` stored on the server under a random id the cookie carries.

    An empty session (after ``session.clear()``: logout) is deleted and the cookie
    expired; the same cookie, sent again, finds nothing. The cookie is written only when
    the session changed, with Max-Age up to the session's fixed end.
    """

    def __init__(self, app: ASGIApp, sessions: Sessions, secure: bool = False) -> None:
        self.app = app
        self.sessions = sessions
        self.secure = secure

    def cookie(self, scope: Scope, value: str, max_age: int) -> str:
        parts = [f"{COOKIE}={value}", "Path=/", f"Max-Age={max_age}", "HttpOnly", "SameSite=Lax"]
        if self.secure or scope.get("scheme") == "https":
            parts.append("Secure")
        return "; ".join(parts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sid: str | None = HTTPConnection(scope).cookies.get(COOKIE)
        data = None
        if sid and _COOKIE_VALUE.fullmatch(sid):
            data = self.sessions.load(sid)
        if data is None:
            sid = None
            data = {}
        scope["session"] = data
        before = json.dumps(data, sort_keys=True)

        async def with_cookie(message: Message) -> None:
            nonlocal sid
            if message["type"] == "http.response.start":
                session = scope["session"]
                headers = MutableHeaders(scope=message)
                if not session:
                    if sid is not None:
                        self.sessions.delete(sid)
                        headers.append("set-cookie", self.cookie(scope, '""', 0))
                elif (
                    sid is None
                    or scope.get(ROTATE)
                    or json.dumps(session, sort_keys=True) != before
                ):
                    if sid is not None and scope.get(ROTATE):
                        self.sessions.delete(sid)
                        sid = None
                    sid = sid or new_id()
                    expires = self.sessions.save(sid, session)
                    max_age = max(0, int(expires - time.time()))
                    headers.append("set-cookie", self.cookie(scope, sid, max_age))
            await send(message)

        await self.app(scope, receive, with_cookie)
