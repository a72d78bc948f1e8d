"""``broadcast user``: console users from the command line (the first one is made here)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..project.approval import console_db
from .options import root_option


def _store(root: Path):  # type: ignore[no-untyped-def]
    from ..project.accounts import Store

    return Store(console_db(root))


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại")


password_stdin_option = click.option(
    "--password-stdin",
    is_flag=True,
    help="Đọc mật khẩu từ dòng đầu của đầu vào chuẩn (cho script). Read it from stdin.",
)


@click.group("user")
def user() -> None:
    """Người dùng bàn làm việc trên trình duyệt (broadcast serve). Console users."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    "-r",
    type=click.Choice(["officer", "approver", "operator"]),
    required=True,
    help="officer: soạn kịch bản; approver: duyệt; operator: làm lịch, khẩn cấp, xác nhận.",
)
@password_stdin_option
@root_option
def add(name: str, role: str, password_stdin: bool, root: Path) -> None:
    """Thêm người dùng NAME. Add a console user.

    Mật khẩu: ít nhất 10 ký tự, không nằm trong danh sách mật khẩu phổ biến (12345678,
    matkhau123, anhyeuem...), không chứa tên đăng nhập. Ba bốn từ ghép lại là dễ nhớ nhất.

    \b
    Ví dụ:  broadcast user add lan --role officer
            echo 'mat-khau-dai' | broadcast user add chu-tich --role approver --password-stdin
    """
    made = _store(root).add_user(name, role, _password(password_stdin))
    click.echo(f"Đã thêm người dùng '{made.name}' ({made.role_label}).")


@user.command("list")
@root_option
def list_users(root: Path) -> None:
    """Liệt kê người dùng và vai trò. List users."""
    users = _store(root).users()
    if not users:
        click.echo("Chưa có người dùng nào; thêm bằng: broadcast user add TÊN --role operator")
    for u in users:
        click.echo(f"{u.name:<20} {u.role:<9} {u.role_label}")


@user.command("passwd")
@click.argument("name")
@password_stdin_option
@root_option
def passwd(name: str, password_stdin: bool, root: Path) -> None:
    """Đặt lại mật khẩu của NAME (quên mật khẩu, bị khóa). Reset a password.

    \b
    Ví dụ:  broadcast user passwd lan
    """
    store = _store(root)
    store.set_password(name, _password(password_stdin))
    click.echo(f"Đã đặt lại mật khẩu của '{name}'.")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["officer", "approver", "operator"]))
@root_option
def role(name: str, role: str, root: Path) -> None:
    """Đổi vai trò của NAME thành ROLE. Change a user's role.

    ROLE: officer (cán bộ văn hóa, soạn kịch bản), approver (lãnh đạo xã, duyệt),
    operator (kỹ thuật viên: làm lịch, khẩn cấp, xác nhận). Không đổi được vai trò của
    kỹ thuật viên cuối cùng: thêm một kỹ thuật viên khác trước.

    \b
    Ví dụ:  broadcast user role lan approver
    """
    from ..project.accounts import ROLE_LABELS

    _store(root).set_role(name, role)
    click.echo(f"Đã đổi vai trò của '{name}' thành {ROLE_LABELS[role]}.")


@user.command("password")
@click.argument("name")
@password_stdin_option
@root_option
def password(name: str, password_stdin: bool, root: Path) -> None:
    """Đặt mật khẩu mới cho NAME (hỏi hai lần, không hiện lên màn hình). Set a password.

    \b
    Ví dụ:  broadcast user password lan
    """
    _store(root).set_password(name, _password(password_stdin))
    click.echo(f"Đã đặt mật khẩu mới cho '{name}'.")


@user.command("remove")
@click.argument("name")
@root_option
def remove(name: str, root: Path) -> None:
    """Xóa người dùng NAME (nghỉ việc, chuyển công tác). Remove a user.

    Các thay đổi và lần duyệt trước đây vẫn giữ tên người đó trong sổ.
    """
    _store(root).remove_user(name)
    click.echo(f"Đã xóa người dùng '{name}'.")
