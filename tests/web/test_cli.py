"""``broadcast user`` and ``broadcast serve`` from the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.cli.serve import is_loopback
from broadcast.errors import InputError
from broadcast.project.accounts import Store
from broadcast.project.approval import console_db


def test_user_add_from_stdin_then_the_password_logs_in(small_root):
    runner = CliRunner()
    args = [
        "user",
        "add",
        "lan",
        "--role",
        "officer",
        "--password-stdin",
        "--root",
        str(small_root),
    ]
    res = runner.invoke(cli, args, input="mat-khau-dai-1\n")
    assert res.exit_code == 0, res.output
    assert "Đã thêm người dùng 'lan'" in res.output
    store = Store(console_db(small_root))
    assert store.verify("lan", "mat-khau-dai-1").role == "officer"
    assert store.verify("lan", "mat-khau-dai-2") is None
    # the hash, not the password, is stored
    assert b"mat-khau-dai-1" not in console_db(small_root).read_bytes()
    again = runner.invoke(cli, args, input="mat-khau-dai-1\n")
    assert again.exit_code != 0 and "Đã có người dùng 'lan'" in str(again.exception)
    listed = runner.invoke(cli, ["user", "list", "--root", str(small_root)])
    assert "lan" in listed.output and "officer" in listed.output


@pytest.mark.parametrize(
    "args,words",
    [
        (["Lan Anh", "--role", "officer"], "Tên đăng nhập 'Lan Anh' không hợp lệ"),
        (["lan", "--role", "officer"], "Mật khẩu quá ngắn"),
    ],
)
def test_user_add_refuses_bad_input_with_a_fix(small_root, args, words):
    res = CliRunner().invoke(
        cli, ["user", "add", *args, "--password-stdin", "--root", str(small_root)], input="ngan\n"
    )
    assert isinstance(res.exception, InputError) and res.exception.exit_code == 2
    assert words in res.exception.message and "Cách sửa" in res.exception.message
    assert Store(console_db(small_root)).users() == []


def test_user_add_refuses_an_unknown_role(small_root):
    res = CliRunner().invoke(
        cli, ["user", "add", "lan", "--role", "admin", "--root", str(small_root)]
    )
    assert res.exit_code == 2 and "officer" in res.output


@pytest.mark.parametrize(
    "host,loop",
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
    ],
)
def test_loopback(host, loop):
    assert is_loopback(host) is loop


def test_serve_warns_when_not_loopback_and_when_there_is_no_user(small_root, monkeypatch):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    monkeypatch.setenv("BROADCAST_ROOT", "")  # restored after the test
    monkeypatch.setenv("BROADCAST_OUT", "")
    res = CliRunner().invoke(
        cli, ["serve", "--host", "0.0.0.0", "--port", "8099", "--root", str(small_root)]
    )
    assert res.exit_code == 0, res.output
    assert seen == {
        "app": "broadcast.web.app:app_from_env",
        "factory": True,
        "host": "0.0.0.0",
        "port": 8099,
        "log_level": "warning",
        "proxy_headers": False,  # X-Forwarded-For is believed only from --trusted-proxy
    }
    # the factory uvicorn is given builds the console of this project
    from broadcast.web.app import app_from_env

    assert app_from_env().state.root == small_root.resolve()
    assert "Cảnh báo: bàn làm việc mở cho mọi máy" in res.output
    assert "broadcast user add" in res.output
    quiet = CliRunner().invoke(cli, ["serve", "--root", str(small_root)])
    assert (
        "mở cho mọi máy" not in quiet.output
        and seen["host"] == "127.0.0.1"
        and seen["port"] == 8080
    )


def test_user_passwd_resets_a_password_and_lifts_the_lockout(small_root):
    runner = CliRunner()
    root = ["--root", str(small_root)]
    runner.invoke(
        cli,
        ["user", "add", "lan", "-r", "officer", "--password-stdin", *root],
        input="cu-mat-khau\n",
    )
    store = Store(console_db(small_root))
    for _ in range(3):
        store.note_failure("lan", "10.0.0.2")
    res = runner.invoke(
        cli, ["user", "passwd", "lan", "--password-stdin", *root], input="moi-mat-khau\n"
    )
    assert res.exit_code == 0, res.output
    assert store.verify("lan", "moi-mat-khau") and store.verify("lan", "cu-mat-khau") is None
    assert store.failures("lan", "10.0.0.2") == 0
    res = runner.invoke(
        cli, ["user", "passwd", "khong-co", "--password-stdin", *root], input="moi-mat-khau\n"
    )
    assert (
        isinstance(res.exception, InputError)
        and "Không có người dùng 'khong-co'" in res.exception.message
    )


def test_user_remove(small_root):
    runner = CliRunner()
    root = ["--root", str(small_root)]
    runner.invoke(
        cli,
        ["user", "add", "lan", "-r", "officer", "--password-stdin", *root],
        input="mat-khau-dai\n",
    )
    res = runner.invoke(cli, ["user", "remove", "lan", *root])
    assert res.exit_code == 0 and "Đã xóa người dùng 'lan'" in res.output
    assert Store(console_db(small_root)).get("lan") is None
