"""``broadcast serve``: the officer's console in a browser (broadcast/web)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import click

from ..project.accounts import Store
from ..project.approval import console_db
from .options import out_option, resolve_out, root_option

APP_FACTORY = "broadcast.web.app:app_from_env"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ nghe. Address.")
@click.option("--port", "-p", type=click.IntRange(1, 65535), default=8080, show_default=True)
@root_option
@out_option
def serve(host: str, port: int, root: Path, out: Path | None) -> None:
    """Mở bàn làm việc trên trình duyệt: soạn, nghe, duyệt, lập lịch. Web console.

    Mặc định chỉ máy này mở được (http://127.0.0.1:8080). Người dùng đầu tiên tạo bằng
    'broadcast user add TÊN --role operator'. Lệnh chạy liên tục đến khi bấm Ctrl+C.

    \b
    Ví dụ:  broadcast serve
            broadcast serve --host 0.0.0.0 --port 8080   # cho cả mạng nội bộ của xã
    """
    import uvicorn

    # Read the accounts here, so a console database that cannot be opened is an error
    # message, not a server that fails to start.
    users = Store(console_db(root.resolve())).users()
    if not is_loopback(host):
        click.echo(
            f"Cảnh báo: bàn làm việc mở cho mọi máy thấy được địa chỉ {host}. Chỉ dùng trong "
            "mạng nội bộ của xã, đặt mật khẩu mạnh; không mở ra Internet (không có HTTPS).",
            err=True,
        )
    if not users:
        click.echo(
            "Cảnh báo: chưa có người dùng nào; tạo bằng "
            "'broadcast user add TÊN --role operator' rồi đăng nhập.",
            err=True,
        )
    click.echo(f"Bàn làm việc: http://{host}:{port}/  (Ctrl+C để dừng)")
    # uvicorn loads the app by name (its factory form): the command line imports no web code.
    os.environ["BROADCAST_ROOT"] = str(root.resolve())
    os.environ["BROADCAST_OUT"] = str(resolve_out(root, out))
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, log_level="warning")
