"""Console security: roles, CSRF, paths, concurrent edits, login rate limit, cookies."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from broadcast.project.accounts import MAX_FAILURES, MAX_FAILURES_PER_ADDRESS, Store
from broadcast.project.approval import Approvals, console_db, file_hash

from .conftest import PASSWORD, csrf_of, login

PUBLIC = {"/login"}


def _concrete(path: str) -> str:
    return (
        path.replace("{sid}", "noi-trinh-bao")
        .replace("{name}", "lan")
        .replace("{job}", "x")
        .replace("{path:path}", "fm-thu/x.mp3")
    )


def _routes(app):
    for r in app.routes:
        if isinstance(r, Route) and r.path not in PUBLIC:
            for method in sorted(r.methods or ()):
                if method != "HEAD":
                    yield method, _concrete(r.path)


def test_every_page_and_action_refuses_an_anonymous_visitor(app, client_as):
    client = client_as(None)
    seen = 0
    for method, path in _routes(app):
        seen += 1
        if method == "GET":
            res = client.get(path, follow_redirects=False)
            assert res.status_code == 303, path
            assert res.headers["location"].startswith("/login?next="), path
        else:
            res = client.post(path, data={"csrf": "x"}, follow_redirects=False)
            assert res.status_code == 403, path
            assert "Cần đăng nhập" in res.text
    assert seen >= 20  # the check above ran on the whole console, not on an empty list


def test_an_officer_cannot_approve_build_send_an_emergency_or_add_users(console_root, client_as):
    officer = client_as("officer")
    token = csrf_of(officer.get("/scripts").text)
    version = file_hash(console_root / "scripts" / "noi-trinh-bao.md")
    for path, data in [
        ("/scripts/noi-trinh-bao/approve", {"version": version}),
        ("/emergency", {"script": "noi-trinh-bao", "confirm": "yes"}),
        ("/plan/build", {"date": "2026-11-25"}),
        ("/users", {"name": "ke-gian", "role": "operator", "password": "12345678"}),
        ("/asrun/confirm", {"date": "2026-11-25"}),
    ]:
        res = officer.post(path, data={"csrf": token, **data})
        assert res.status_code == 403, path
        assert "cán bộ văn hóa" in res.text  # the role named in Vietnamese (issue 19)
    assert officer.get("/emergency").status_code == 403
    assert officer.get("/users").status_code == 403
    # nothing was recorded, queued or created
    rows = Approvals(console_db(console_root)).history("noi-trinh-bao")
    assert [r.kind for r in rows] == ["baseline"]
    assert not (console_root / "audio_out" / "emergency").exists()
    assert Store(console_db(console_root)).get("ke-gian") is None


def test_an_approver_cannot_write_scripts(client_as):
    approver = client_as("approver")
    assert approver.get("/scripts/new").status_code == 403
    token = csrf_of(approver.get("/scripts").text)
    res = approver.post("/scripts/noi-trinh-bao/edit", data={"csrf": token, "id": "noi-trinh-bao"})
    assert res.status_code == 403


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_form_without_its_csrf_token_is_refused(console_root, client_as, token):
    approver = client_as("approver")
    path = console_root / "scripts" / "noi-trinh-bao.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    data = {"version": file_hash(path)}
    if token is not None:
        data["csrf"] = token
    res = approver.post("/scripts/noi-trinh-bao/approve", data=data)
    assert res.status_code == 403 and "CSRF" in res.text
    assert Approvals(console_db(console_root)).for_version("noi-trinh-bao", file_hash(path)) is None
    # the same request with the token goes through
    data["csrf"] = csrf_of(approver.get("/scripts/noi-trinh-bao").text)
    assert approver.post("/scripts/noi-trinh-bao/approve", data=data).status_code == 200
    assert Approvals(console_db(console_root)).for_version("noi-trinh-bao", file_hash(path))


def test_login_form_needs_its_csrf_token_too(client_as):
    client = client_as(None)
    client.get("/login")
    res = client.post("/login", data={"name": "lan", "password": PASSWORD})
    assert res.status_code == 403
    assert client.get("/scripts", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "path",
    [
        "/scripts/..%2F..%2Fschedules%2Fstations",
        "/scripts/../edit",
        "/scripts/..",
        "/scripts/%2E%2E",
        "/scripts/Noi-Trinh-Bao",
        "/scripts/a%5Cb",
    ],
)
def test_a_script_id_with_a_path_is_refused(client_as, path):
    officer = client_as("officer")
    for suffix in ("", "/edit"):
        res = officer.get(path + suffix, follow_redirects=False)
        if res.status_code == 303:  # the client itself resolved '..': the home page
            assert res.headers["location"] == "/scripts"
            continue
        assert res.status_code in (400, 404), path + suffix
        assert "stations:" not in res.text


def test_a_new_script_id_with_a_path_is_refused_and_nothing_is_written(console_root, client_as):
    officer = client_as("officer")
    token = csrf_of(officer.get("/scripts/new").text)
    before = sorted(p.name for p in console_root.rglob("*.md"))
    res = officer.post(
        "/scripts/new",
        data={
            "csrf": token,
            "id": "../../pwned",
            "title": "T",
            "topic": "t",
            "directive_number": "1/UBND",
            "directive_issuer": "UBND xã",
            "priority": "normal",
            "body": "Nội dung.",
        },
    )
    assert res.status_code == 400
    assert re.search(r'id="error-id">[^<]*mã chỉ được dùng chữ thường', res.text)
    assert sorted(p.name for p in console_root.rglob("*.md")) == before
    assert not (console_root.parent / "pwned.md").exists()


def test_two_editors_cannot_lose_either_change(console_root, client_as):
    a, b = client_as("officer"), client_as("officer")
    page_a, page_b = (
        a.get("/scripts/noi-trinh-bao/edit").text,
        b.get("/scripts/noi-trinh-bao/edit").text,
    )

    def form(html: str, body: str) -> dict[str, str]:
        fields = dict(
            re.findall(r'<input type="(?:text|hidden)" [^>]*?name="([^"]+)" value="([^"]*)"', html)
        )
        fields.update(re.findall(r'name="([a-z_]+)" value="([^"]*)"', html))
        import html as h

        fields = {k: h.unescape(v) for k, v in fields.items()}
        fields["priority"] = "priority"
        fields["body"] = body
        return fields

    res_a = a.post(
        "/scripts/noi-trinh-bao/edit", data=form(page_a, "Bản của chị A."), follow_redirects=False
    )
    assert res_a.status_code == 303
    path = console_root / "scripts" / "noi-trinh-bao.md"
    assert "Bản của chị A." in path.read_text(encoding="utf-8")
    res_b = b.post("/scripts/noi-trinh-bao/edit", data=form(page_b, "Bản của anh B."))
    assert res_b.status_code == 409
    # B's change was not written over A's; both versions are shown to B
    assert "Bản của chị A." in path.read_text(encoding="utf-8")
    assert "Bản của anh B." not in path.read_text(encoding="utf-8")
    assert "Bản của chị A." in res_b.text and "Bản của anh B." in res_b.text
    # B saves again from the conflict page (which now carries A's version): it goes through
    res_b2 = b.post(
        "/scripts/noi-trinh-bao/edit",
        data=form(res_b.text, "Bản của chị A. Bản của anh B."),
        follow_redirects=False,
    )
    assert res_b2.status_code == 303
    assert "Bản của chị A. Bản của anh B." in path.read_text(encoding="utf-8")


def test_wrong_passwords_are_rate_limited_per_user_and_address(client_as, console_root):
    client = client_as(None)
    for _ in range(MAX_FAILURES):
        assert login(client, "lan", "sai-mat-khau").status_code == 401
    res = login(client, "lan", PASSWORD)  # right password, but locked out now
    assert res.status_code == 429 and "Đợi 15 phút" in res.text
    assert client.get("/scripts", follow_redirects=False).status_code == 303
    # another user from the same address is not locked out by lan's failures
    assert login(client_as(None), "chu-tich").status_code == 303
    audit = [(e.user, e.action) for e in Store(console_db(console_root)).audit()]
    assert ("lan", "đăng nhập bị chặn") in audit


def test_session_cookie_is_httponly_and_samesite(client_as):
    client = client_as(None)
    token = csrf_of(client.get("/login").text)
    res = client.post(
        "/login", data={"csrf": token, "name": "lan", "password": PASSWORD}, follow_redirects=False
    )
    cookie = res.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_audio_serves_only_rendered_bulletins(console_root, client_as):
    officer = client_as("officer")
    for path in (
        "/audio/../../schedules/stations.yaml",
        "/audio/..%2F..%2Fschedules%2Fstations.yaml",
    ):
        res = officer.get(path)
        assert res.status_code in (403, 404) and "stations:" not in res.text


def test_pages_cannot_be_framed_by_another_site(client_as):
    for client, path in (
        (client_as(None), "/login"),
        (client_as("approver"), "/scripts/noi-trinh-bao"),
    ):
        res = client.get(path)
        assert res.status_code == 200
        assert res.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in res.headers["content-security-policy"]
        assert res.headers["x-content-type-options"] == "nosniff"


def test_one_address_guessing_many_names_is_rate_limited_too(console_root, client_as):
    client = client_as(None)
    for n in range(1):  # one through the form (an unknown name costs a full Argon2 verify)...
        assert login(client, f"ten-{n}", "doan-mo").status_code == 401
    store = Store(console_db(console_root))
    for n in range(1, MAX_FAILURES_PER_ADDRESS - 1):  # ...the rest recorded directly
        store.note_failure(f"ten-{n}", "testclient")
    assert login(client, "lan").status_code == 303  # one short of the limit: still in
    assert login(client, "ten-x", "doan-mo").status_code == 401  # the limit reached
    assert login(client, "chu-tich").status_code == 429  # right password, other name: wait


def test_a_removed_user_is_logged_out_at_once(console_root, client_as):
    officer, operator = client_as("officer"), client_as("operator")
    assert officer.get("/scripts").status_code == 200
    token = csrf_of(operator.get("/users").text)
    assert operator.post("/users/ky-thuat/remove", data={"csrf": token}).status_code == 403
    res = operator.post("/users/lan/remove", data={"csrf": token}, follow_redirects=False)
    assert res.status_code == 303
    # the signed cookie is still valid, but the user is gone: back to the login form
    assert officer.get("/scripts", follow_redirects=False).status_code == 303
    assert login(client_as(None), "lan").status_code == 401
    assert ("ky-thuat", "xóa người dùng") in [
        (e.user, e.action) for e in Store(console_db(console_root)).audit()
    ]


def test_a_password_reset_ends_the_sessions_made_before_it(console_root, client_as):
    officer = client_as("officer")
    assert officer.get("/scripts").status_code == 200
    Store(console_db(console_root)).set_password("lan", "mat-khau-moi-hon")
    assert officer.get("/scripts", follow_redirects=False).status_code == 303
    assert login(client_as(None), "lan", "mat-khau-moi-hon").status_code == 303
