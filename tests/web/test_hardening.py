"""Console hardening (issue 23): server-side sessions, cookies behind HTTPS, proxies,
lockout per account, body size, passwords, approval by someone else, CSP, bad paths."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from broadcast.cli import cli
from broadcast.errors import InputError
from broadcast.project.accounts import LOCKOUT_S, MAX_FAILURES, Store
from broadcast.project.approval import Approvals, SelfApprovalError, console_db, file_hash
from broadcast.web.app import create_app
from broadcast.web.layers import COOKIE, MAX_BODY

from .conftest import PASSWORD, csrf_of, login

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _cookie(client: TestClient) -> str:
    value = client.cookies.get(COOKIE)
    assert value, "no session cookie"
    return value


def _with_cookie(app, value: str) -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1")
    client.cookies.set(COOKIE, value)
    return client


# -- 1. server-side sessions ---------------------------------------------------------------
def test_after_logout_the_same_cookie_no_longer_works(app, client_as):
    officer = client_as("officer")
    cookie = _cookie(officer)
    assert _with_cookie(app, cookie).get("/scripts").status_code == 200  # a copy works...
    token = csrf_of(officer.get("/scripts").text)
    res = officer.post("/logout", data={"csrf": token}, follow_redirects=False)
    assert res.status_code == 303
    # ...until logout: the server forgot the session, whoever still sends the cookie
    again = _with_cookie(app, cookie).get("/scripts", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_the_cookie_is_a_random_id_and_the_database_holds_only_its_hash(console_root, client_as):
    officer = client_as("officer")
    cookie = _cookie(officer)
    assert "lan" not in cookie and "." not in cookie and len(cookie) >= 40
    assert cookie.encode() not in console_db(console_root).read_bytes()
    with sqlite3.connect(console_db(console_root)) as db:
        users = [r[0] for r in db.execute("SELECT user FROM sessions WHERE user != ''")]
    assert users == ["lan"]


def test_login_gives_a_new_session_id(app, client_as):
    client = client_as(None)
    client.get("/login")
    before = _cookie(client)  # the anonymous session of the login form
    assert login(client, "lan").status_code == 303
    assert _cookie(client) != before
    # the id planted before the login is not logged in
    assert _with_cookie(app, before).get("/scripts", follow_redirects=False).status_code == 303


def test_a_role_change_ends_that_users_sessions(app, client_as):
    officer, operator = client_as("officer"), client_as("operator")
    assert officer.get("/scripts").status_code == 200
    token = csrf_of(operator.get("/users").text)
    res = operator.post(
        "/users/lan/role", data={"csrf": token, "role": "approver"}, follow_redirects=False
    )
    assert res.status_code == 303
    assert officer.get("/scripts", follow_redirects=False).status_code == 303
    assert operator.get("/users").status_code == 200  # only lan's sessions ended


def test_a_password_change_from_the_command_line_ends_the_sessions(console_root, client_as):
    officer = client_as("officer")
    store = Store(console_db(console_root))
    assert store.sessions.count("lan") == 1
    res = CliRunner().invoke(
        cli,
        ["user", "passwd", "lan", "--password-stdin", "--root", str(console_root)],
        input="mot-mat-khau-moi-han\n",
    )
    assert res.exit_code == 0, res.output
    assert store.sessions.count("lan") == 0
    assert officer.get("/scripts", follow_redirects=False).status_code == 303


# -- 2. cookies behind HTTPS, trusted proxies ---------------------------------------------
def _login_cookie_header(app, **headers: str) -> str:
    """The Set-Cookie of the login form's session (a Secure cookie is not sent back over
    plain http, so the login itself is not needed to see the attributes)."""
    with TestClient(app, base_url="http://127.0.0.1") as client:
        res = client.get("/login", headers=headers)
        assert res.status_code == 200
        return res.headers["set-cookie"]


def test_behind_https_the_cookie_is_secure_httponly_and_lax(console_root):
    out = console_root / "audio_out"
    plain = _login_cookie_header(create_app(console_root, out)).lower()
    assert "httponly" in plain and "samesite=lax" in plain and "secure" not in plain
    secure = _login_cookie_header(create_app(console_root, out, behind_https=True)).lower()
    assert "secure" in secure and "httponly" in secure and "samesite=lax" in secure
    with TestClient(create_app(console_root, out, behind_https=True)) as client:
        assert client.get("/login").headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(create_app(console_root, out)) as client:
        assert "strict-transport-security" not in client.get("/login").headers


def test_x_forwarded_headers_are_believed_only_from_a_trusted_proxy(console_root):
    out = console_root / "audio_out"
    store = Store(console_db(console_root))
    claim = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    # nobody trusted: the claim changes nothing (no Secure, the failure is the client's)
    untrusted = create_app(console_root, out)
    assert "secure" not in _login_cookie_header(untrusted, **claim).lower()
    with TestClient(untrusted) as client:
        assert login_with(client, "chu-tich", "sai", claim).status_code == 401
    assert store.failures_from("203.0.113.9") == 0 and store.failures_from("testclient") == 1
    # the TestClient's address named as the proxy: its headers now count
    trusted = create_app(console_root, out, trusted_proxies=("testclient",))
    assert "secure" in _login_cookie_header(trusted, **claim).lower()
    with TestClient(trusted, base_url="https://testserver") as client:  # Secure: sent back
        assert login_with(client, "chu-tich", "sai", claim).status_code == 401
    assert store.failures_from("203.0.113.9") == 1


def login_with(client: TestClient, name: str, password: str, headers: dict[str, str]):
    token = csrf_of(client.get("/login", headers=headers).text)
    return client.post(
        "/login",
        data={"csrf": token, "name": name, "password": password},
        headers=headers,
        follow_redirects=False,
    )


def test_serve_passes_behind_https_and_trusted_proxies_to_the_console(small_root, monkeypatch):
    import uvicorn

    seen: dict = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    for name in ("BROADCAST_ROOT", "BROADCAST_OUT", "BROADCAST_BEHIND_HTTPS"):
        monkeypatch.setenv(name, "")
    monkeypatch.setenv("BROADCAST_TRUSTED_PROXIES", "")
    args = ["serve", "--behind-https", "--trusted-proxy", "10.0.0.0/24", "--root", str(small_root)]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert seen["proxy_headers"] is False
    from broadcast.web.app import app_from_env

    app = app_from_env()
    layers = {m.cls.__name__: m.kwargs for m in app.user_middleware}
    assert layers["ServerSessions"]["secure"] is True
    assert layers["TrustedProxy"]["trusted"] == ("10.0.0.0/24",)
    bad = CliRunner().invoke(cli, ["serve", "--trusted-proxy", "nginx", "--root", str(small_root)])
    assert bad.exit_code == 2 and "--trusted-proxy" in bad.output


# -- 3. lockout per account ---------------------------------------------------------------
def test_five_wrong_passwords_lock_the_account_from_every_address(console_root):
    """The attack of the issue: a new X-Forwarded-For on each try, through a trusted
    proxy (so each try really counts as another address)."""
    app = create_app(console_root, console_root / "audio_out", trusted_proxies=("testclient",))
    with TestClient(app) as client:
        for n in range(MAX_FAILURES):
            res = login_with(client, "lan", "doan-sai", {"X-Forwarded-For": f"198.51.100.{n}"})
            assert res.status_code == 401
        res = login_with(client, "lan", PASSWORD, {"X-Forwarded-For": "198.51.100.77"})
        assert res.status_code == 429 and "Đợi 15 phút" in res.text
        assert client.get("/scripts", follow_redirects=False).status_code == 303
        # other accounts are not locked by lan's failures
        assert login_with(client, "chu-tich", PASSWORD, {}).status_code == 303


def test_the_lockout_ends_after_its_time(console_root, client_as):
    store = Store(console_db(console_root))
    long_ago = time.time() - LOCKOUT_S - 1
    with sqlite3.connect(console_db(console_root)) as db:
        db.executemany(
            "INSERT INTO login_failures (user, ip, at) VALUES (?,?,?)",
            [("lan", f"10.0.0.{n}", long_ago) for n in range(MAX_FAILURES)],
        )
    assert not store.locked_out("lan", "10.9.9.9")
    assert login(client_as(None), "lan").status_code == 303


# -- 4. request bodies of at most 1 MB ------------------------------------------------------
def _raw_post(app, path: str, chunks: list[bytes], length: int | None) -> tuple[int, int]:
    """POST straight through ASGI; (status, how many body chunks the server read)."""
    read = 0
    status = 0
    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    if length is not None:
        headers.append((b"content-length", str(length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("10.1.1.1", 5000),
        "server": ("127.0.0.1", 8080),
    }

    async def receive():
        nonlocal read
        if read < len(chunks):
            read += 1
            return {"type": "http.request", "body": chunks[read - 1], "more_body": True}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    asyncio.run(app(scope, receive, send))
    return status, read


def test_a_20_mb_anonymous_form_is_refused_before_it_is_read(app):
    chunk = b"a" * 65536
    status, read = _raw_post(app, "/login", [chunk] * 320, length=320 * 65536)
    assert status == 413 and read == 0
    # without Content-Length (chunked): refused once past 1 MB, the rest never read
    status, read = _raw_post(app, "/login", [chunk] * 320, length=None)
    assert status == 413 and read == MAX_BODY // 65536 + 1


def test_the_413_page_says_what_to_do_and_a_form_under_the_limit_goes_through(client_as):
    officer = client_as("officer")
    res = officer.post("/spoken", content=b"body=" + b"a" * (MAX_BODY + 1), headers=FORM)
    assert res.status_code == 413
    assert "1024 KB" in res.text and "Cách sửa" in res.text
    assert res.headers["content-security-policy"].startswith("default-src 'self'")
    token = csrf_of(officer.get("/scripts").text)
    ok = officer.post("/spoken", data={"csrf": token, "body": "Xin chào bà con " * 40_000})
    assert ok.status_code == 200  # 640 kB: under the limit, read and answered


# -- 5. passwords -------------------------------------------------------------------------
WEAK = [
    ("12345678", "quá ngắn"),
    ("password", "quá ngắn"),
    ("matkhau1", "quá ngắn"),
    ("11111111", "quá ngắn"),
    ("123456789a", "quá phổ biến"),
    ("1234567890", "quá phổ biến"),
    ("qwertyuiop", "quá phổ biến"),
    ("Password123", "quá phổ biến"),
    ("matkhau2024!", "quá phổ biến"),
    ("anhyeuem123", "quá phổ biến"),
    ("emyeuanh@@@", "quá phổ biến"),
    ("vietnam12345", "quá phổ biến"),
    ("aaaaaaaaaaaa", "quá phổ biến"),
    ("hong.nhung", "chứa tên đăng nhập"),
    ("hong.nhung2026", "chứa tên đăng nhập"),
    ("HongNhung-xa-1", "chứa tên đăng nhập"),
]


@pytest.mark.parametrize("password,words", WEAK)
def test_a_weak_password_is_refused_with_a_vietnamese_fix(small_root, password, words):
    store = Store(console_db(small_root))
    with pytest.raises(InputError) as err:
        store.add_user("hong.nhung", "officer", password)
    assert words in err.value.what and "ít nhất 10 ký tự" in err.value.fix
    assert store.get("hong.nhung") is None


@pytest.mark.parametrize("password", ["lua-chin-dong-xa", "Bo-Hoa-Sen-17", "mat-khau-du-dai"])
def test_a_long_uncommon_password_is_accepted(small_root, password):
    assert Store(console_db(small_root)).add_user("hong.nhung", "officer", password)


def test_the_command_line_and_the_web_form_apply_the_same_rule(console_root, client_as):
    root = ["--root", str(console_root)]
    res = CliRunner().invoke(
        cli,
        ["user", "add", "tuan", "-r", "officer", "--password-stdin", *root],
        input="matkhau123\n",
    )
    assert isinstance(res.exception, InputError) and res.exception.exit_code == 2
    assert "quá phổ biến" in res.exception.message
    res = CliRunner().invoke(
        cli, ["user", "passwd", "lan", "--password-stdin", *root], input="1234567890\n"
    )
    assert isinstance(res.exception, InputError) and res.exception.exit_code == 2
    assert "quá phổ biến" in res.exception.message
    operator = client_as("operator")
    token = csrf_of(operator.get("/users").text)
    form = {"csrf": token, "name": "tuan", "role": "officer", "password": "anhyeuem2024"}
    page = operator.post("/users", data=form)
    assert page.status_code == 400 and "quá phổ biến" in page.text and "ít nhất 10" in page.text
    assert Store(console_db(console_root)).get("tuan") is None
    form["password"] = "lua-chin-dong-xa"
    assert operator.post("/users", data=form, follow_redirects=False).status_code == 303


# -- 6. approval is by someone else --------------------------------------------------------
def _edit_fields(html_text: str, body: str) -> dict[str, str]:
    import html as h

    fields = dict(
        re.findall(r'<input type="(?:text|hidden)" [^>]*?name="([^"]+)" value="([^"]*)"', html_text)
    )
    fields.update(re.findall(r'name="([a-z_]+)" value="([^"]*)"', html_text))
    fields = {k: h.unescape(v) for k, v in fields.items()}
    fields["priority"] = "priority"
    fields["body"] = body
    return fields


def test_the_author_of_a_version_cannot_approve_it_even_made_approver(console_root, client_as):
    officer, operator = client_as("officer"), client_as("operator")
    page = officer.get("/scripts/noi-trinh-bao/edit").text
    res = officer.post(
        "/scripts/noi-trinh-bao/edit",
        data=_edit_fields(page, "Bà con cảnh giác với cuộc gọi lạ."),
        follow_redirects=False,
    )
    assert res.status_code == 303
    token = csrf_of(operator.get("/users").text)
    operator.post("/users/lan/role", data={"csrf": token, "role": "approver"})
    lan = client_as(None)
    assert login(lan, "lan").status_code == 303
    shown = lan.get("/scripts/noi-trinh-bao").text
    assert 'id="own-version"' in shown and 'id="approve"' not in shown
    path = console_root / "scripts" / "noi-trinh-bao.md"
    version = file_hash(path)
    res = lan.post(
        "/scripts/noi-trinh-bao/approve", data={"csrf": csrf_of(shown), "version": version}
    )
    assert res.status_code == 403 and "không tự duyệt" in res.text
    book = Approvals(console_db(console_root))
    assert book.for_version("noi-trinh-bao", version) is None
    # someone else approves it
    other = client_as("approver")
    page = other.get("/scripts/noi-trinh-bao").text
    assert 'id="approve"' in page and "Người lưu phiên bản này: <strong>lan" in page
    other.post("/scripts/noi-trinh-bao/approve", data={"csrf": csrf_of(page), "version": version})
    assert book.for_version("noi-trinh-bao", version).by == "chu-tich"


def test_a_version_saved_before_the_authors_table_is_known_from_the_audit_trail(console_root):
    path = console_root / "scripts" / "noi-trinh-bao.md"
    version = file_hash(path)
    Store(console_db(console_root)).record("lan", "sửa kịch bản", "noi-trinh-bao", version[:10])
    book = Approvals(console_db(console_root))
    assert book.author_of("noi-trinh-bao", version) == "lan"
    with pytest.raises(SelfApprovalError) as err:
        book.approve("noi-trinh-bao", version, "lan")
    assert "nhờ một người có quyền duyệt khác" in err.value.message
    assert book.approve("noi-trinh-bao", version, "chu-tich").by == "chu-tich"


# -- 7. headers: CSP without inline script or style -----------------------------------------
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:", re.I
)


def _pages(app) -> list[str]:
    from starlette.routing import Route

    paths = []
    for r in app.routes:
        if isinstance(r, Route) and "GET" in (r.methods or ()) and "{" not in r.path:
            paths.append(r.path)
    return paths + [
        "/scripts/noi-trinh-bao",
        "/scripts/noi-trinh-bao/edit",
        "/scripts/noi-trinh-bao/record",
        "/scripts/khong-co",  # a 404 page
        "/plan?station=khong-co",  # an error page
    ]


def test_every_page_has_the_policy_and_no_inline_script_or_style(app, client_as):
    seen = 0
    for role in ("operator", "officer"):
        client = client_as(role)
        for path in _pages(app):
            res = client.get(path)
            if "text/html" not in res.headers.get("content-type", ""):
                continue
            seen += 1
            csp = res.headers["content-security-policy"]
            for part in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
                assert part in csp, path
            assert "unsafe-inline" not in csp
            assert res.headers["x-content-type-options"] == "nosniff"
            assert res.headers["referrer-policy"] == "same-origin"
            found = INLINE.findall(res.text)
            assert not found, (role, path, found)
    assert seen >= 15
    anonymous = client_as(None)
    for res in (anonymous.get("/login"), anonymous.get("/nowhere")):
        assert res.headers["content-security-policy"].startswith("default-src 'self'")
    js = anonymous.get("/static/console.js")
    assert js.status_code == 200 and "data-autosubmit" in js.text


# -- 8. files: links out of the project, bad bytes in URLs, no server paths ----------------
SECRET = "Nội dung bí mật của xã bên cạnh"


@pytest.fixture
def linked(console_root):
    """scripts/lien-ket.md: a valid script, but a link to a file outside the project."""
    outside = console_root.parent / "ngoai-du-an.md"
    text = (console_root / "scripts" / "noi-trinh-bao.md").read_text(encoding="utf-8")
    outside.write_text(text.rstrip() + f"\n\n{SECRET}.\n", encoding="utf-8")
    (console_root / "scripts" / "lien-ket.md").symlink_to(outside)
    return outside


def test_a_script_linked_out_of_the_project_is_never_shown(console_root, client_as, linked):
    officer, operator = client_as("officer"), client_as("operator")
    listing = officer.get("/scripts").text
    assert 'href="/scripts/lien-ket"' not in listing
    assert 'id="refused"' in listing and "lien-ket.md" in listing
    for path in ("/scripts/lien-ket", "/scripts/lien-ket/edit"):
        res = officer.get(path)
        assert res.status_code == 400 and "liên kết tới một tệp ngoài" in res.text, path
        assert SECRET not in res.text and str(console_root.parent) not in res.text
    # a new script with that id neither shows the linked text as "theirs" nor writes through
    page = officer.get("/scripts/new").text
    form = _edit_fields(page, "Bà con cảnh giác.")
    form.update(id="lien-ket", title="T", topic="t", directive_number="1/UBND")
    form.update(directive_issuer="UBND xã", priority="normal")
    res = officer.post("/scripts/new", data=form)
    assert res.status_code == 400 and SECRET not in res.text
    assert SECRET in linked.read_text(encoding="utf-8")
    # the operator's emergency form does not offer it, nor sends it
    emergency = operator.get("/emergency").text
    assert "lien-ket" not in emergency
    token = csrf_of(emergency)
    res = operator.post("/emergency", data={"csrf": token, "script": "lien-ket"})
    assert res.status_code == 400 and SECRET not in res.text


@pytest.mark.parametrize(
    "path",
    [
        "/audio/fm-thu/a%00b.mp3",
        "/audio/%00",
        "/audio/fm-thu/x%01.mp3",
        "/scripts/noi%00trinh",
        "/jobs/%00",
        "/audio/fm-thu/%FF%FE.mp3",
    ],
)
def test_a_nul_or_bad_byte_in_a_url_is_a_400_not_a_500(client_as, path):
    res = client_as("officer").get(path)
    assert res.status_code == 400, path
    assert "ký tự không được phép" in res.text
    assert res.headers["content-security-policy"].startswith("default-src 'self'")


def test_error_pages_never_show_the_servers_folders(console_root, client_as):
    officer = client_as("officer")
    broken = console_root / "scripts" / "hong.md"
    broken.write_text("---\ntitle: [\n---\nThân bài.\n", encoding="utf-8")
    pages = [
        officer.get("/scripts/khong-co"),
        officer.get("/scripts/hong"),
        officer.get("/scripts"),
        officer.get("/audio/fm-thu/khong-co.mp3"),
    ]
    assert [p.status_code for p in pages] == [404, 200, 200, 403]
    for res in pages:
        assert str(console_root) not in res.text and "/tmp/" not in res.text
    assert "scripts/khong-co.md" in pages[0].text  # still says which file
