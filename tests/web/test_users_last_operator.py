"""Nobody leaves the console without an operator; roles and passwords from the CLI and
the users page (issue 19)."""

from __future__ import annotations

from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.errors import InputError
from broadcast.project.accounts import Store
from broadcast.project.approval import console_db

from .conftest import FAST, PASSWORD, csrf_of, login


def test_the_last_operator_cannot_demote_or_delete_themself_in_the_console(client_as, app):
    op = client_as("operator")
    token = csrf_of(op.get("/users").text)
    res = op.post("/users/ky-thuat/role", data={"csrf": token, "role": "officer"})
    assert res.status_code == 400
    assert "kỹ thuật viên cuối cùng" in res.text
    assert app.state.store.get("ky-thuat").role == "operator"
    # the page names roles in Vietnamese, not officer/approver/operator
    assert ">cán bộ văn hóa</option>" in res.text and ">officer</option>" not in res.text
    # with a second operator the first may step down
    op.post("/users/chu-tich/role", data={"csrf": token, "role": "operator"})
    res = op.post(
        "/users/ky-thuat/role", data={"csrf": token, "role": "approver"}, follow_redirects=False
    )
    assert res.status_code == 303 and app.state.store.get("ky-thuat").role == "approver"
    # now chu-tich is the last one: removing them is refused as well
    boss = client_as()
    assert login(boss, "chu-tich").status_code == 303
    btoken = csrf_of(boss.get("/users").text)
    store = app.state.store
    store.remove_user("ky-thuat")
    res = boss.post("/users/chu-tich/role", data={"csrf": btoken, "role": "officer"})
    assert res.status_code == 400 and store.get("chu-tich").role == "operator"
    audit = [(a.action, a.target, a.detail) for a in store.audit()]
    assert ("đổi vai trò", "ky-thuat", "approver") in audit


def test_an_officer_gets_a_vietnamese_refusal_naming_roles_in_vietnamese(client_as):
    officer = client_as("officer")
    token = csrf_of(officer.get("/scripts").text)
    res = officer.post("/users/lan/role", data={"csrf": token, "role": "operator"})
    assert res.status_code == 403
    assert "cán bộ văn hóa" in res.text and "kỹ thuật viên" in res.text
    assert "'officer'" not in res.text


def test_an_operator_resets_an_officers_password(client_as, app):
    op = client_as("operator")
    token = csrf_of(op.get("/users").text)
    assert op.post("/users/lan/password", data={"password": "mat-khau-moi-1"}).status_code == 403
    res = op.post(
        "/users/lan/password",
        data={"csrf": token, "password": "mat-khau-moi-1"},
        follow_redirects=False,
    )
    assert res.status_code == 303
    assert app.state.store.verify("lan", "mat-khau-moi-1") is not None
    assert app.state.store.verify("lan", PASSWORD) is None
    short = op.post("/users/lan/password", data={"csrf": token, "password": "ngan"})
    assert short.status_code == 400 and "Mật khẩu quá ngắn" in short.text
    assert ("đặt lại mật khẩu", "lan") in [(a.action, a.target) for a in app.state.store.audit()]


def test_cli_user_role_and_password(small_root):
    store = Store(console_db(small_root), hasher=FAST)
    store.add_user("ky-thuat", "operator", PASSWORD)
    store.add_user("lan", "officer", PASSWORD)
    runner = CliRunner()
    root = ["--root", str(small_root)]
    res = runner.invoke(cli, ["user", "role", "lan", "approver", *root])
    assert res.exit_code == 0, res.output
    assert "lãnh đạo xã" in res.output and store.get("lan").role == "approver"
    res = runner.invoke(cli, ["user", "role", "ky-thuat", "officer", *root])
    # the CLI's main() turns an InputError into exit 2 (tests/web/test_cli.py)
    assert isinstance(res.exception, InputError) and res.exception.exit_code == 2
    assert "kỹ thuật viên cuối cùng" in res.exception.message
    assert store.get("ky-thuat").role == "operator"
    res = runner.invoke(cli, ["user", "remove", "ky-thuat", *root])
    assert isinstance(res.exception, InputError) and store.get("ky-thuat") is not None
    # prompted twice, hidden: the password never appears in the output
    res = runner.invoke(
        cli, ["user", "password", "lan", *root], input="mat-khau-moi-2\nmat-khau-moi-2\n"
    )
    assert res.exit_code == 0, res.output
    assert "mat-khau-moi-2" not in res.output and "Nhập lại" in res.output
    assert store.verify("lan", "mat-khau-moi-2") is not None
    res = runner.invoke(
        cli, ["user", "password", "khong-co", *root], input="x" * 9 + "\n" + "x" * 9 + "\n"
    )
    assert isinstance(res.exception, InputError) and "Không có người dùng" in str(res.exception)
